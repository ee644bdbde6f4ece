package io.isthmus.protocol.manifest;

import io.isthmus.protocol.manifest.ManifestException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 keys in PEM: private keys as PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), public keys as
 * X.509 SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}), the forms {@code openssl genpkey
 * -algorithm ed25519} and {@code openssl pkey -pubout} write, so keys can be made and inspected
 * with either tool.
 */
public final class Pem {
  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";
  private static final Base64.Encoder ENCODER =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private Pem() {}

  /** {@code key} (PKCS#8 encoded) as PEM text. */
  public static String privateKey(PrivateKey key) {
    return encode(PRIVATE, key.getEncoded());
  }

  /** {@code key} (X.509 encoded) as PEM text. */
  public static String publicKey(PublicKey key) {
    return encode(PUBLIC, key.getEncoded());
  }

  /**
   * The Ed25519 private key in the PEM file {@code file}.
   *
   * @throws ManifestException ({@code bad_key}) if the file is not a PEM PKCS#8 Ed25519 key
   * @throws IOException if the file cannot be read
   */
  public static PrivateKey readPrivateKey(Path file) throws IOException, ManifestException {
    byte[] der = decode(PRIVATE, Files.readString(file, StandardCharsets.US_ASCII), file);
    try {
      return keyFactory().generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new ManifestException(
          Reason.BAD_KEY, file + " is not an Ed25519 private key (PKCS#8): " + e.getMessage(), e);
    }
  }

  /**
   * The Ed25519 public key in the PEM file {@code file}.
   *
   * @throws ManifestException ({@code bad_key}) if the file is not a PEM X.509 Ed25519 public key
   * @throws IOException if the file cannot be read
   */
  public static PublicKey readPublicKey(Path file) throws IOException, ManifestException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN " + PRIVATE)) {
      throw new ManifestException(
          Reason.BAD_KEY,
          file + " holds a private key where a public key belongs; trust the public.pem instead");
    }
    byte[] der = decode(PUBLIC, text, file);
    try {
      return keyFactory().generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new ManifestException(
          Reason.BAD_KEY, file + " is not an Ed25519 public key (X.509): " + e.getMessage(), e);
    }
  }

  private static String encode(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + ENCODER.encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static byte[] decode(String label, String text, Path source) throws ManifestException {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new ManifestException(
          Reason.BAD_KEY,
          source + " has no '" + begin + "' block; expected a PEM " + label.toLowerCase());
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new ManifestException(Reason.BAD_KEY, source + " has invalid base64 in its PEM", e);
    }
  }

  static KeyFactory keyFactory() {
    try {
      return KeyFactory.getInstance("Ed25519");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK lacks Ed25519 (needs Java 15+)", e);
    }
  }
}
