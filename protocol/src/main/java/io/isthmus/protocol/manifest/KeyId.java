package io.isthmus.protocol.manifest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names a signing key: the first 8 bytes of the sha256 of the public key's DER encoding (X.509
 * SubjectPublicKeyInfo), as 16 lower-case hex digits. Signatures carry it so a verifier picks the
 * right trusted key, and an unknown one can be named in the error.
 *
 * @param hex 16 lower-case hex digits
 */
public record KeyId(String hex) {
  private static final Pattern HEX16 = Pattern.compile("[0-9a-f]{16}");

  /**
   * @throws IllegalArgumentException if {@code hex} is not 16 lower-case hex digits
   */
  public KeyId {
    Objects.requireNonNull(hex, "hex");
    if (!HEX16.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "Invalid key id '" + hex + "': expected 16 lower-case hex digits");
    }
  }

  /** The id of {@code key}. */
  public static KeyId of(PublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return new KeyId(HexFormat.of().formatHex(Arrays.copyOf(digest, 8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK lacks SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return hex;
  }
}
