package io.isthmus.offload.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys and expected claims for bearer JWTs.
 *
 * @param hmacSecret the HS256 shared secret (at least 32 bytes), if HS256 tokens are accepted
 * @param publicKey an RSA (RS256) or EC P-256 (ES256) public key, if such tokens are accepted
 * @param issuer the required {@code iss}, if any
 * @param audience the required {@code aud}, if any
 */
public record JwtOptions(
    Optional<byte[]> hmacSecret,
    Optional<PublicKey> publicKey,
    Optional<String> issuer,
    Optional<String> audience) {
  public JwtOptions {
    Objects.requireNonNull(hmacSecret, "hmacSecret");
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
  }

  /**
   * Reads a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo) holding an RSA or EC key.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file if it holds no RSA or EC public key
   */
  public static PublicKey readPublicKey(Path pem) throws IOException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    String base64 = text.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(pem + " is not a PEM PUBLIC KEY file", e);
    }
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(
        pem + " holds no RSA or EC public key; expected a -----BEGIN PUBLIC KEY----- PEM file");
  }
}
