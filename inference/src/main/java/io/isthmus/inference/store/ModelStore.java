package io.isthmus.inference.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A content-addressed folder of model files, each named by the sha256 of its bytes (64 lower-case
 * hex digits). Writes are crash-safe: a file is written aside, fsynced, renamed into place
 * atomically and the folder fsynced, so a reader sees a whole file or none. Reads verify the hash,
 * so a file corrupted on disk is rejected rather than loaded; {@link #verifyAll()} checks every
 * file at once, e.g. at start-up. Digests are validated before they touch a path, so no digest can
 * name a file outside the root.
 *
 * <p>A writer holds an exclusive lock on its temporary file while it writes; {@link #open} deletes
 * the temporary files nobody holds, the remains of a process that died mid-write, and leaves those
 * of live writers in other processes alone.
 *
 * <p>Thread-safe; several processes may share one root. Every method blocks on disk I/O: call it
 * from a worker thread, not an event loop.
 */
public final class ModelStore {
  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
  private static final String TEMP_PREFIX = ".incoming-";

  private final Path root;

  private ModelStore(Path root) {
    this.root = root;
  }

  /**
   * A store over {@code root}, creating the folder if needed and deleting temporary files left by
   * writers that died.
   *
   * @throws IOException if the folder cannot be created or listed
   */
  public static ModelStore open(Path root) throws IOException {
    Path absolute = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    Files.createDirectories(absolute);
    ModelStore store = new ModelStore(absolute);
    store.deleteAbandonedTempFiles();
    return store;
  }

  public Path root() {
    return root;
  }

  /**
   * Stores the bytes of {@code in} (read to its end, not closed) and returns their sha256. Storing
   * bytes already present is a no-op that returns the same digest.
   *
   * @throws IOException if reading or writing fails; nothing partial is left behind
   */
  public String put(InputStream in) throws IOException {
    return put(in, null);
  }

  /**
   * Stores the bytes of {@code in} if they hash to {@code expected}, as a download whose digest a
   * verified manifest names; bytes that do not match never enter the store.
   *
   * @throws CorruptedModelException if the bytes hash to something else; nothing is stored
   * @throws IllegalArgumentException if {@code expected} is not 64 lower-case hex digits
   * @throws IOException if reading or writing fails; nothing partial is left behind
   */
  public String put(InputStream in, String expected) throws IOException {
    if (expected != null) {
      requireDigest(expected);
    }
    Path temp = Files.createTempFile(root, TEMP_PREFIX, ".tmp");
    // The lock marks the temporary file as live until it is renamed; closing the channel drops it.
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      channel.lock();
      MessageDigest sha256 = sha256();
      OutputStream out = Channels.newOutputStream(channel);
      new DigestInputStream(in, sha256).transferTo(out);
      out.flush();
      channel.force(true);
      String digest = HexFormat.of().formatHex(sha256.digest());
      if (expected != null && !expected.equals(digest)) {
        throw new CorruptedModelException(
            "The bytes received hash to "
                + digest
                + ", expected "
                + expected
                + "; nothing was stored: fetch the model again",
            expected,
            digest);
      }
      Path target = root.resolve(digest);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("The file system under " + root + " cannot rename atomically", e);
      }
      syncDirectory();
      return digest;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Stores a copy of the file at {@code source}; see {@link #put(InputStream)}. */
  public String put(Path source) throws IOException {
    try (InputStream in = Files.newInputStream(source)) {
      return put(in);
    }
  }

  /**
   * The path of the model with {@code digest}, after checking that its bytes still hash to it.
   *
   * @throws IllegalArgumentException if {@code digest} is not 64 lower-case hex digits
   * @throws NoSuchFileException if the store has no such model
   * @throws CorruptedModelException if the file's bytes no longer match {@code digest}
   */
  public Path path(String digest) throws IOException {
    Path file = resolve(digest);
    verify(digest, file);
    return file;
  }

  /**
   * The path of the model with {@code digest} without reading it; for callers that verify later or
   * trust the disk. Throws as {@link #path(String)} except for corruption.
   */
  public Path pathUnverified(String digest) throws IOException {
    Path file = resolve(digest);
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "No model " + digest + " in " + root);
    }
    return file;
  }

  /** The bytes of the model with {@code digest}, verified; throws as {@link #path(String)}. */
  public byte[] read(String digest) throws IOException {
    byte[] bytes = Files.readAllBytes(pathUnverified(digest));
    String actual = HexFormat.of().formatHex(sha256().digest(bytes));
    if (!actual.equals(digest)) {
      throw new CorruptedModelException(resolve(digest), digest, actual);
    }
    return bytes;
  }

  /**
   * Whether the store holds a file for {@code digest} (not verified).
   *
   * @throws IllegalArgumentException if {@code digest} is not 64 lower-case hex digits
   */
  public boolean contains(String digest) {
    return Files.isRegularFile(resolve(digest));
  }

  /**
   * Deletes the model with {@code digest}.
   *
   * @return whether there was one
   * @throws IllegalArgumentException if {@code digest} is not 64 lower-case hex digits
   */
  public boolean delete(String digest) throws IOException {
    boolean deleted = Files.deleteIfExists(resolve(digest));
    if (deleted) {
      syncDirectory();
    }
    return deleted;
  }

  /** The digests of the stored models, sorted; files that are not models are ignored. */
  public List<String> list() throws IOException {
    List<String> digests = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(root)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (DIGEST.matcher(name).matches() && Files.isRegularFile(file)) {
          digests.add(name);
        }
      }
    }
    digests.sort(null);
    return digests;
  }

  /**
   * Hashes every stored model and reports those whose bytes no longer match their name (bit rot, a
   * truncating copy, an edit by hand). It does not delete them: the caller decides, e.g. {@link
   * #delete} and fetch again.
   *
   * @return one exception per corrupted model, in digest order; empty if all are intact
   * @throws IOException if a file cannot be read
   */
  public List<CorruptedModelException> verifyAll() throws IOException {
    List<CorruptedModelException> corrupted = new ArrayList<>();
    for (String digest : list()) {
      try {
        verify(digest, resolve(digest));
      } catch (CorruptedModelException e) {
        corrupted.add(e);
      } catch (NoSuchFileException e) {
        // deleted by another process since list(): nothing to check
      }
    }
    return corrupted;
  }

  /**
   * Checks that {@code digest} is a sha256 in lower-case hex.
   *
   * @throws IllegalArgumentException naming the value otherwise
   */
  public static String requireDigest(String digest) {
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "Invalid model digest '" + digest + "': expected 64 lower-case hex digits (sha256)");
    }
    return digest;
  }

  private Path resolve(String digest) {
    return root.resolve(requireDigest(digest));
  }

  private void verify(String digest, Path file) throws IOException {
    MessageDigest sha256 = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "No model " + digest + " in " + root);
    }
    String actual = HexFormat.of().formatHex(sha256.digest());
    if (!actual.equals(digest)) {
      throw new CorruptedModelException(file, digest, actual);
    }
  }

  private void deleteAbandonedTempFiles() throws IOException {
    List<Path> temps = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(root, TEMP_PREFIX + "*.tmp")) {
      files.forEach(temps::add);
    }
    for (Path temp : temps) {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
          FileLock abandoned = channel.tryLock()) {
        if (abandoned != null) {
          Files.delete(temp);
        }
      } catch (OverlappingFileLockException | NoSuchFileException e) {
        // a writer in this JVM holds it, or its writer just finished: not abandoned
      }
    }
  }

  private void syncDirectory() throws IOException {
    // Makes the rename itself durable; Linux allows fsync on a directory opened for reading.
    try (FileChannel dir = FileChannel.open(root, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK lacks SHA-256", e);
    }
  }
}
