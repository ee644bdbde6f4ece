package io.isthmus.console.registry;

import io.isthmus.protocol.manifest.ManifestException;
import io.isthmus.protocol.manifest.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's secrets in its data folder: the Ed25519 key that signs every package ({@code
 * keys/private.pem}, {@code keys/public.pem}, generated on first start) and the secret that signs
 * download URLs ({@code keys/url.secret}).
 */
public final class ConsoleKeys {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleKeys.class);

  private final SigningKey signingKey;
  private final String publicPem;
  private final byte[] urlSecret;

  private ConsoleKeys(SigningKey signingKey, String publicPem, byte[] urlSecret) {
    this.signingKey = signingKey;
    this.publicPem = publicPem;
    this.urlSecret = urlSecret;
  }

  /**
   * Loads the keys from {@code dir}, generating what is missing.
   *
   * @throws IOException if the folder cannot be read or written
   * @throws ManifestException if the private key there is not an Ed25519 key
   */
  public static ConsoleKeys open(Path dir) throws IOException, ManifestException {
    Path privateFile = dir.resolve(SigningKey.PRIVATE_FILE);
    if (!Files.exists(privateFile)) {
      SigningKey generated = SigningKey.generate();
      generated.writeTo(dir);
      LOG.info("Generated the console's signing key {} in {}", generated.id(), dir);
    }
    SigningKey key = SigningKey.read(privateFile);
    String publicPem = Files.readString(dir.resolve(SigningKey.PUBLIC_FILE));
    Path secretFile = dir.resolve("url.secret");
    if (!Files.exists(secretFile)) {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      Files.write(secretFile, secret);
    }
    return new ConsoleKeys(key, publicPem, Files.readAllBytes(secretFile));
  }

  public SigningKey signingKey() {
    return signingKey;
  }

  /** The public key in PEM form, for gateways' trusted-keys folders. */
  public String publicPem() {
    return publicPem;
  }

  byte[] urlSecret() {
    return urlSecret.clone();
  }
}
