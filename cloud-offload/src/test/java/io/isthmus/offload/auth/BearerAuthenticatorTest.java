package io.isthmus.offload.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.isthmus.offload.core.OffloadException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerAuthenticatorTest {
  private static final byte[] SECRET =
      "a-shared-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);

  /**
   * A signed token for issuer "isthmus", audience "offload", expiring {@code expiresInS} from now.
   */
  static String token(JWSSigner signer, JWSAlgorithm algorithm, long expiresInS, String issuer)
      throws JOSEException {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject("gateway-7")
            .issuer(issuer)
            .audience("offload")
            .expirationTime(new Date(System.currentTimeMillis() + expiresInS * 1000))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static BearerAuthenticator hs256() {
    return BearerAuthenticator.create(
        new JwtOptions(
            Optional.of(SECRET), Optional.empty(), Optional.of("isthmus"), Optional.of("offload")));
  }

  @Test
  void acceptsAValidHs256Token() throws Exception {
    String jwt = token(new MACSigner(SECRET), JWSAlgorithm.HS256, 300, "isthmus");

    assertThatCode(() -> hs256().authenticate("Bearer " + jwt)).doesNotThrowAnyException();
  }

  @Test
  void refusesMissingMalformedExpiredForgedAndForeignTokensWith401() throws Exception {
    BearerAuthenticator auth = hs256();
    byte[] otherSecret =
        "another-secret-that-is-also-32-bytes-long".getBytes(StandardCharsets.UTF_8);

    assertRefused(auth, null, "Missing bearer token");
    assertRefused(auth, "Basic dXNlcjpwYXNz", "Missing bearer token");
    assertRefused(auth, "Bearer not-a-jwt", "not a signed JWT");
    assertRefused(
        auth,
        "Bearer " + token(new MACSigner(SECRET), JWSAlgorithm.HS256, -600, "isthmus"),
        "Expired");
    assertRefused(
        auth,
        "Bearer " + token(new MACSigner(otherSecret), JWSAlgorithm.HS256, 300, "isthmus"),
        "signature does not verify");
    assertRefused(
        auth,
        "Bearer " + token(new MACSigner(SECRET), JWSAlgorithm.HS256, 300, "someone-else"),
        "iss");
  }

  @Test
  void acceptsRs256ForAnRsaKeyReadFromPemAndRefusesHs256Then(@TempDir Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair rsa = generator.generateKeyPair();
    Path pem = dir.resolve("rsa.pem");
    Files.writeString(
        pem,
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n");
    BearerAuthenticator auth =
        BearerAuthenticator.create(
            new JwtOptions(
                Optional.empty(),
                Optional.of(JwtOptions.readPublicKey(pem)),
                Optional.empty(),
                Optional.empty()));

    String good = token(new RSASSASigner(rsa.getPrivate()), JWSAlgorithm.RS256, 300, "isthmus");
    assertThatCode(() -> auth.authenticate("Bearer " + good)).doesNotThrowAnyException();
    assertRefused(
        auth,
        "Bearer " + token(new MACSigner(SECRET), JWSAlgorithm.HS256, 300, "isthmus"),
        "expected one of [RS256]");
  }

  @Test
  void acceptsEs256ForAP256Key() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ec = generator.generateKeyPair();
    BearerAuthenticator auth =
        BearerAuthenticator.create(
            new JwtOptions(
                Optional.empty(), Optional.of(ec.getPublic()), Optional.empty(), Optional.empty()));

    String good =
        token(new ECDSASigner((ECPrivateKey) ec.getPrivate()), JWSAlgorithm.ES256, 300, "x");
    assertThatCode(() -> auth.authenticate("Bearer " + good)).doesNotThrowAnyException();
  }

  @Test
  void aShortHmacSecretIsAConfigurationError() {
    assertThatThrownBy(
            () ->
                BearerAuthenticator.create(
                    new JwtOptions(
                        Optional.of(new byte[8]),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes");
  }

  private static void assertRefused(BearerAuthenticator auth, String header, String reason) {
    assertThatThrownBy(() -> auth.authenticate(header))
        .isInstanceOfSatisfying(
            OffloadException.class,
            e -> org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(401))
        .hasMessageContaining(reason);
  }
}
