package io.isthmus.offload.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import io.isthmus.offload.core.OffloadException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks {@code Authorization: Bearer <JWT>} headers: the signature with an HS256 secret, an RS256
 * RSA public key or an ES256 P-256 public key (whichever are configured; a token signed with any
 * other algorithm is refused), then the claims: {@code exp} is required and must lie in the future,
 * {@code nbf} in the past, and {@code iss} and {@code aud} must match when configured. Immutable
 * and thread-safe.
 */
public final class BearerAuthenticator {
  private static final String PREFIX = "Bearer ";

  private final Map<JWSAlgorithm, JWSVerifier> verifiers;
  private final DefaultJWTClaimsVerifier<?> claims;

  private BearerAuthenticator(Map<JWSAlgorithm, JWSVerifier> verifiers, JwtOptions options) {
    this.verifiers = Map.copyOf(verifiers);
    JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
    options.issuer().ifPresent(exact::issuer);
    this.claims =
        new DefaultJWTClaimsVerifier<>(
            options.audience().orElse(null), exact.build(), Set.of("exp"));
  }

  /**
   * An authenticator for the keys in {@code options}.
   *
   * @throws IllegalArgumentException if no key is configured or the HS256 secret is shorter than
   *     256 bits
   */
  public static BearerAuthenticator create(JwtOptions options) {
    Objects.requireNonNull(options, "options");
    Map<JWSAlgorithm, JWSVerifier> verifiers = new HashMap<>();
    try {
      if (options.hmacSecret().isPresent()) {
        verifiers.put(JWSAlgorithm.HS256, new MACVerifier(options.hmacSecret().get()));
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException(
          "The HS256 secret must have at least 32 bytes: " + e.getMessage(), e);
    }
    if (options.publicKey().isPresent()) {
      if (options.publicKey().get() instanceof RSAPublicKey rsa) {
        verifiers.put(JWSAlgorithm.RS256, new RSASSAVerifier(rsa));
      } else if (options.publicKey().get() instanceof ECPublicKey ec) {
        try {
          verifiers.put(JWSAlgorithm.ES256, new ECDSAVerifier(ec));
        } catch (JOSEException e) {
          throw new IllegalArgumentException("The EC public key is not a P-256 key", e);
        }
      }
    }
    if (verifiers.isEmpty()) {
      throw new IllegalArgumentException(
          "No JWT key configured: give an HS256 secret or an RSA/EC public key");
    }
    return new BearerAuthenticator(verifiers, options);
  }

  /** The algorithms accepted. */
  public Set<String> algorithms() {
    Set<String> names = new HashSet<>();
    verifiers.keySet().forEach(a -> names.add(a.getName()));
    return names;
  }

  /**
   * Checks the value of an {@code Authorization} header (null when absent).
   *
   * @throws OffloadException 401 saying what was wrong: no bearer token, not a signed JWT, an
   *     algorithm not accepted, a bad signature, expired, not yet valid, or the wrong issuer or
   *     audience
   */
  public void authenticate(String authorization) throws OffloadException {
    if (authorization == null
        || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw unauthorized("Missing bearer token: send Authorization: Bearer <JWT>");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(authorization.substring(PREFIX.length()).trim());
    } catch (ParseException e) {
      throw unauthorized("The bearer token is not a signed JWT: " + e.getMessage());
    }
    JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
    JWSVerifier verifier = verifiers.get(algorithm);
    if (verifier == null) {
      throw unauthorized(
          "The token is signed with " + algorithm + ", expected one of " + algorithms());
    }
    try {
      if (!jwt.verify(verifier)) {
        throw unauthorized("The token's signature does not verify");
      }
      claims.verify(jwt.getJWTClaimsSet(), null);
    } catch (JOSEException | ParseException e) {
      throw unauthorized("The token cannot be verified: " + e.getMessage());
    } catch (BadJWTException e) {
      throw unauthorized("The token was refused: " + e.getMessage());
    }
  }

  private static OffloadException unauthorized(String message) {
    return new OffloadException(401, message);
  }
}
