package io.isthmus.console.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Files on local disk named by the sha256 of their bytes ({@code ab/abcdef...}): a file is written
 * once whatever the number of versions that share it, and a name always means the same bytes.
 * Writes go to a temporary file that is renamed into place, so a crash leaves no half file.
 */
public final class BlobStore {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Path root;

  /** A store in folder {@code root}, created if needed. */
  public BlobStore(Path root) throws IOException {
    this.root = Files.createDirectories(root);
  }

  /** What {@link #put} stored. */
  public record Blob(String sha256, long size) {}

  /** Copies {@code file} into the store (unless the same bytes are there) and names it. */
  public Blob put(Path file) throws IOException {
    Path tmp = Files.createTempFile(root, ".incoming-", ".tmp");
    try {
      MessageDigest digest = sha256();
      long size;
      try (InputStream in = Files.newInputStream(file);
          OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
        size = in.transferTo(out);
      }
      String sha = HexFormat.of().formatHex(digest.digest());
      Path target = path(sha);
      if (!Files.exists(target)) {
        Files.createDirectories(target.getParent());
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return new Blob(sha, size);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The file holding {@code sha256}'s bytes (which may not exist).
   *
   * @throws IllegalArgumentException if {@code sha256} is not 64 lower-case hex digits
   */
  public Path path(String sha256) {
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException(
          "'" + sha256 + "' is not a sha256: expected 64 lower-case hex digits");
    }
    return root.resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
