package io.isthmus.protocol.manifest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.protocol.manifest.ManifestException.Reason;
import io.isthmus.protocol.v1.ModelFile;
import io.isthmus.protocol.v1.ModelManifest;
import io.isthmus.protocol.v1.SignedManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * A model package: a folder holding {@value #MANIFEST_FILE} (a serialized {@link SignedManifest}),
 * {@value #MANIFEST_JSON} (a readable copy, never trusted) and the model files at the paths the
 * manifest lists. Build one with {@link PackageBuilder}, sign it with {@link #sign(SigningKey)} and
 * check it with {@link #verify(TrustedKeys, String)} before loading anything from it.
 */
public final class ModelPackage {
  /** The signed manifest, the only file a verifier trusts. */
  public static final String MANIFEST_FILE = "manifest.pb";

  /** A JSON rendering of the manifest for people and tools; ignored by verification. */
  public static final String MANIFEST_JSON = "manifest.json";

  private final Path root;
  private final SignedManifest envelope;

  private ModelPackage(Path root, SignedManifest envelope) {
    this.root = root;
    this.envelope = envelope;
  }

  /**
   * Reads the package in folder {@code root}.
   *
   * @throws ManifestException ({@code malformed_package}) if {@code root} has no readable {@value
   *     #MANIFEST_FILE}
   * @throws IOException if reading fails for another reason
   */
  public static ModelPackage open(Path root) throws IOException, ManifestException {
    Path file = root.resolve(MANIFEST_FILE);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ManifestException(
          Reason.MALFORMED_PACKAGE,
          root
              + " is not a model package: it has no "
              + MANIFEST_FILE
              + "; make one with 'isthmus"
              + " model pack'",
          e);
    }
    try {
      return new ModelPackage(root, SignedManifest.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new ManifestException(
          Reason.MALFORMED_PACKAGE, file + " is not a SignedManifest: " + e.getMessage(), e);
    }
  }

  /** Writes the manifest files of a package in {@code root}, atomically each. */
  static ModelPackage write(Path root, SignedManifest envelope) throws IOException {
    replace(root.resolve(MANIFEST_FILE), envelope.toByteArray());
    replace(root.resolve(MANIFEST_JSON), ManifestJson.render(envelope).getBytes());
    return new ModelPackage(root, envelope);
  }

  public Path root() {
    return root;
  }

  /** The signed (or not yet signed) manifest as read; trust it only after {@link #verify}. */
  public SignedManifest envelope() {
    return envelope;
  }

  /** Whether the manifest carries a signature (not whether it verifies). */
  public boolean isSigned() {
    return !envelope.getSignature().isEmpty();
  }

  /**
   * Signs the manifest with {@code key} and rewrites the manifest files; the model files are not
   * touched. Signing again (e.g. with a new key during rotation) replaces the old signature.
   *
   * @return the signed package
   */
  public ModelPackage sign(SigningKey key) throws IOException {
    return write(root, ManifestSigner.sign(envelope, key));
  }

  /**
   * Checks the package before anything in it is loaded: the signature by a trusted key, then the
   * platform, then every file's size and sha256.
   *
   * @param platform the machine's platform ({@link Platforms#current()})
   * @return the verified manifest
   * @throws ManifestException with the reason of the first check that fails
   * @throws IOException if a file cannot be read
   */
  public ModelManifest verify(TrustedKeys trusted, String platform)
      throws IOException, ManifestException {
    ModelManifest manifest = trusted.verify(envelope);
    checkPaths(manifest);
    checkPlatform(manifest, platform);
    for (ModelFile file : manifest.getFilesList()) {
      checkFile(file);
    }
    return manifest;
  }

  /** The path of {@code file} inside this package. */
  public Path resolve(ModelFile file) {
    return root.resolve(file.getPath());
  }

  /**
   * Checks that the manifest lists files, each once, under a safe relative path ({@link
   * PackagePaths}), before anything is fetched or opened.
   *
   * @throws ManifestException {@link Reason#MALFORMED_MANIFEST} naming the bad path
   */
  public static void checkPaths(ModelManifest manifest) throws ManifestException {
    if (manifest.getFilesCount() == 0) {
      throw new ManifestException(Reason.MALFORMED_MANIFEST, "The manifest lists no files");
    }
    Set<String> seen = new HashSet<>();
    for (ModelFile file : manifest.getFilesList()) {
      String problem = PackagePaths.problem(file.getPath());
      if (problem == null && !seen.add(file.getPath())) {
        problem = "'" + file.getPath() + "' is listed twice";
      }
      if (problem != null) {
        throw new ManifestException(
            Reason.MALFORMED_MANIFEST, "Bad file path in manifest: " + problem);
      }
    }
  }

  /**
   * Checks that the manifest is built for {@code platform} or for {@link Platforms#ANY}.
   *
   * @throws ManifestException {@link Reason#PLATFORM_MISMATCH} naming both
   */
  public static void checkPlatform(ModelManifest manifest, String platform)
      throws ManifestException {
    Objects.requireNonNull(platform, "platform");
    if (!manifest.getPlatformsList().contains(platform)
        && !manifest.getPlatformsList().contains(Platforms.ANY)) {
      throw new ManifestException(
          Reason.PLATFORM_MISMATCH,
          "Model "
              + manifest.getName()
              + " "
              + manifest.getVersion()
              + " is built for "
              + manifest.getPlatformsList()
              + ", not for this machine ("
              + platform
              + "); publish a package for "
              + platform);
    }
  }

  private void checkFile(ModelFile file) throws IOException, ManifestException {
    Path path = resolve(file);
    if (!Files.isRegularFile(path)) {
      throw new ManifestException(
          Reason.MISSING_FILE, "The package lacks " + file.getPath() + " listed in its manifest");
    }
    long size = Files.size(path);
    if (size != file.getSize()) {
      throw new ManifestException(
          Reason.SIZE_MISMATCH,
          file.getPath()
              + " has "
              + size
              + " bytes, the manifest says "
              + file.getSize()
              + (size < file.getSize() ? " (truncated; fetch it again)" : ""));
    }
    String actual = sha256(path);
    if (!actual.equals(file.getSha256())) {
      throw new ManifestException(
          Reason.HASH_MISMATCH,
          file.getPath()
              + " has sha256 "
              + actual
              + ", the manifest says "
              + file.getSha256()
              + ": the file was altered");
    }
  }

  /** The lower-case hex sha256 of the file at {@code path}. */
  static String sha256(Path path) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK lacks SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void replace(Path target, byte[] bytes) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.write(temp, bytes);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
