package io.isthmus.protocol.manifest;

import io.isthmus.protocol.manifest.ManifestException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.util.Objects;

/**
 * An Ed25519 key pair used to sign manifests, with its {@link KeyId}. A private key file alone is
 * enough: the public half is derived from it (see {@link #of(PrivateKey)}).
 */
public final class SigningKey {
  /** File names {@link #writeTo(Path)} uses. */
  public static final String PRIVATE_FILE = "private.pem";

  public static final String PUBLIC_FILE = "public.pem";

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final KeyId id;

  private SigningKey(KeyPair pair) {
    this.privateKey = pair.getPrivate();
    this.publicKey = pair.getPublic();
    this.id = KeyId.of(publicKey);
  }

  /** A fresh key pair from the JDK's default strong random source. */
  public static SigningKey generate() {
    return new SigningKey(generator(new SecureRandom()).generateKeyPair());
  }

  /**
   * The key pair whose private half is {@code key}. The JDK has no call that derives an Ed25519
   * public key, but its key generator makes the pair from 32 random bytes, which for Ed25519 are
   * the private key itself; feeding it those bytes yields the matching public key. A signature
   * round trip checks the result.
   *
   * @throws ManifestException ({@code bad_key}) if {@code key} is not an Ed25519 private key
   */
  public static SigningKey of(PrivateKey key) throws ManifestException {
    if (!(key instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
      throw new ManifestException(
          Reason.BAD_KEY, "Expected an Ed25519 private key, got " + key.getAlgorithm());
    }
    byte[] seed = ed.getBytes().get();
    KeyPair derived = generator(new FixedBytes(seed)).generateKeyPair();
    SigningKey signingKey = new SigningKey(new KeyPair(derived.getPublic(), key));
    byte[] probe = "isthmus key check".getBytes(StandardCharsets.US_ASCII);
    if (!ManifestSigner.verifies(signingKey.publicKey, probe, signingKey.sign(probe))) {
      throw new ManifestException(
          Reason.BAD_KEY, "Could not derive the public key of this Ed25519 private key");
    }
    return signingKey;
  }

  /** Reads a PKCS#8 PEM private key file; see {@link Pem#readPrivateKey(Path)}. */
  public static SigningKey read(Path privatePem) throws IOException, ManifestException {
    return of(Pem.readPrivateKey(privatePem));
  }

  /**
   * Writes {@value #PRIVATE_FILE} (owner read/write only) and {@value #PUBLIC_FILE} into {@code
   * dir}, creating it. Refuses to overwrite an existing private key.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code dir} already holds a private key
   */
  public void writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path privateFile = dir.resolve(PRIVATE_FILE);
    Files.createFile(
        privateFile,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        privateFile,
        Pem.privateKey(privateKey),
        StandardCharsets.US_ASCII,
        StandardOpenOption.TRUNCATE_EXISTING);
    Files.writeString(
        dir.resolve(PUBLIC_FILE), Pem.publicKey(publicKey), StandardCharsets.US_ASCII);
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public KeyId id() {
    return id;
  }

  /** The Ed25519 signature (64 bytes) of {@code data}. */
  byte[] sign(byte[] data) {
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(privateKey);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed with key " + id, e);
    }
  }

  private static KeyPairGenerator generator(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(255, random);
      return generator;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("The JDK lacks Ed25519 (needs Java 15+)", e);
    }
  }

  /** Hands out one fixed 32-byte seed, so the generator rebuilds a known key pair. */
  private static final class FixedBytes extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;

    FixedBytes(byte[] seed) {
      this.seed = Objects.requireNonNull(seed).clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) {
        throw new IllegalStateException(
            "Expected a request for " + seed.length + " bytes, got " + bytes.length);
      }
      System.arraycopy(seed, 0, bytes, 0, seed.length);
    }
  }
}
