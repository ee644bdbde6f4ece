package io.isthmus.console.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isthmus.console.rollout.ModelCatalog;
import io.isthmus.console.store.Jdbc;
import io.isthmus.protocol.manifest.ModelPackage;
import io.isthmus.protocol.manifest.PackageBuilder;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.ModelManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry: turns an uploaded model into a signed package (with {@link PackageBuilder}
 * and the console's key), keeps its files content-addressed in the {@link BlobStore} and its
 * metadata in PostgreSQL, and tells gateways where to fetch it. Versions are immutable once
 * registered. Blocking (disk and database): call it from a worker thread.
 */
public final class ModelRegistry implements ModelCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Jdbc jdbc;
  private final BlobStore blobs;
  private final ConsoleKeys keys;
  private final ArtifactUrls urls;
  private final Path scratch;
  private final Clock clock;
  private final Map<String, Optional<DesiredModel>> desiredCache = new ConcurrentHashMap<>();
  private final Map<String, ModelVersion.PackageFile> fileCache = new ConcurrentHashMap<>();

  public ModelRegistry(
      DataSource dataSource,
      BlobStore blobs,
      ConsoleKeys keys,
      ArtifactUrls urls,
      Path scratch,
      Clock clock) {
    this.jdbc = new Jdbc(dataSource);
    this.blobs = blobs;
    this.keys = keys;
    this.urls = urls;
    this.scratch = scratch;
    this.clock = clock;
  }

  /**
   * Packs, signs and registers an upload.
   *
   * @throws RegistryException 400 for a bad name, version, file name or plan, 409 if the version
   *     exists
   * @throws UncheckedIOException if the disk fails
   */
  public ModelVersion register(ModelUpload upload, String actor) {
    String name = requireName(upload.name(), "name");
    String version = requireName(upload.version(), "version");
    String fileName = upload.modelFileName() == null ? "" : upload.modelFileName();
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (!NAME.matcher(fileName).matches()
        || !(lower.endsWith(".onnx") || lower.endsWith(".tflite"))) {
      throw new RegistryException(
          400,
          "model file name '" + fileName + "' is not valid: expected NAME.onnx or NAME.tflite");
    }
    if (version(name, version).isPresent()) {
      throw new RegistryException(409, "Model " + name + " version " + version + " exists");
    }
    Path work = null;
    try {
      Files.createDirectories(scratch);
      work = Files.createTempDirectory(scratch, "pack-");
      PackageBuilder builder = new PackageBuilder(name, version).addFile(upload.model(), fileName);
      upload.platforms().forEach(builder::platform);
      if (upload.plan() != null) {
        if (upload.head() == null || upload.tail() == null) {
          throw new RegistryException(400, "a partition plan needs its head and tail models too");
        }
        builder
            .addFile(upload.plan(), "split/plan.json")
            .addFile(upload.head(), "split/head.onnx")
            .addFile(upload.tail(), "split/tail.onnx")
            .partitionPlan("split/plan.json", "split/head.onnx", "split/tail.onnx");
      }
      ModelPackage pkg = builder.pack(work.resolve("pkg")).sign(keys.signingKey());
      ModelManifest manifest = ModelManifest.parseFrom(pkg.envelope().getManifest());
      List<ModelVersion.PackageFile> files = store(pkg.root());
      String manifestSha =
          files.stream()
              .filter(f -> f.path().equals(ModelPackage.MANIFEST_FILE))
              .findFirst()
              .orElseThrow()
              .sha256();
      long total = files.stream().mapToLong(ModelVersion.PackageFile::size).sum();
      insert(name, version, manifest, manifestSha, total, actor, files);
      desiredCache.remove(name + "\n" + version);
      LOG.atInfo()
          .addKeyValue("model", name)
          .addKeyValue("version", version)
          .log(
              "registered, {} files, {} bytes, manifest sha256 {}",
              files.size(),
              total,
              manifestSha);
      return version(name, version).orElseThrow();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new RegistryException(
          400, "cannot pack " + name + " " + version + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("packing " + name + " " + version + " failed", e);
    } finally {
      deleteTree(work);
    }
  }

  private List<ModelVersion.PackageFile> store(Path root) throws IOException {
    List<Path> found;
    try (Stream<Path> walk = Files.walk(root)) {
      found = walk.filter(Files::isRegularFile).sorted().toList();
    }
    List<ModelVersion.PackageFile> files = new ArrayList<>();
    for (Path file : found) {
      BlobStore.Blob blob = blobs.put(file);
      files.add(
          new ModelVersion.PackageFile(
              root.relativize(file).toString().replace('\\', '/'), blob.sha256(), blob.size()));
    }
    return files;
  }

  private void insert(
      String name,
      String version,
      ModelManifest manifest,
      String manifestSha,
      long total,
      String actor,
      List<ModelVersion.PackageFile> files)
      throws JsonProcessingException {
    String platforms = JSON.writeValueAsString(manifest.getPlatformsList());
    jdbc.batch(
        "INSERT INTO blobs (sha256, size) VALUES (?, ?) ON CONFLICT DO NOTHING",
        files,
        (s, f) -> {
          s.setString(1, f.sha256());
          s.setLong(2, f.size());
        });
    jdbc.update(
        "INSERT INTO model_versions (model_name, version, format, manifest_sha256, key_id,"
            + " platforms, total_bytes, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        s -> {
          s.setString(1, name);
          s.setString(2, version);
          s.setString(3, manifest.getFormat().name());
          s.setString(4, manifestSha);
          s.setString(5, keys.signingKey().id().hex());
          s.setString(6, platforms);
          s.setLong(7, total);
          s.setTimestamp(8, Timestamp.from(clock.instant()));
          s.setString(9, actor);
        });
    jdbc.batch(
        "INSERT INTO package_files (manifest_sha256, path, sha256, size) VALUES (?, ?, ?, ?)",
        files,
        (s, f) -> {
          s.setString(1, manifestSha);
          s.setString(2, f.path());
          s.setString(3, f.sha256());
          s.setLong(4, f.size());
        });
  }

  /** Model names with their number of versions. */
  public List<Map<String, Object>> models() {
    return jdbc.query(
        "SELECT model_name, count(*), max(created_at) FROM model_versions GROUP BY model_name"
            + " ORDER BY model_name",
        s -> {},
        row ->
            Map.of(
                "name", row.getString(1),
                "versions", row.getLong(2),
                "updatedAt", row.getTimestamp(3).toInstant().toString()));
  }

  /** The versions of {@code name}, newest first; empty if the model is unknown. */
  public List<ModelVersion> versions(String name) {
    List<ModelVersion> versions =
        new ArrayList<>(
            jdbc.query(
                SELECT_VERSION + " WHERE model_name = ?",
                s -> s.setString(1, name),
                this::version));
    versions.sort(Comparator.comparing(ModelVersion::createdAt).reversed());
    return versions;
  }

  /** One version, with its files. */
  public Optional<ModelVersion> version(String name, String version) {
    return jdbc
        .query(
            SELECT_VERSION + " WHERE model_name = ? AND version = ?",
            s -> {
              s.setString(1, name);
              s.setString(2, version);
            },
            this::version)
        .stream()
        .findFirst();
  }

  /**
   * A file of the package whose manifest has {@code manifestSha256}, or empty. Found files are
   * remembered (packages never change), so a fleet fetching one package asks the database once per
   * file.
   */
  public Optional<ModelVersion.PackageFile> packageFile(String manifestSha256, String path) {
    String key = manifestSha256 + "/" + path;
    ModelVersion.PackageFile known = fileCache.get(key);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<ModelVersion.PackageFile> found = lookUpFile(manifestSha256, path);
    found.ifPresent(f -> fileCache.put(key, f));
    return found;
  }

  private Optional<ModelVersion.PackageFile> lookUpFile(String manifestSha256, String path) {
    return jdbc
        .query(
            "SELECT path, sha256, size FROM package_files WHERE manifest_sha256 = ? AND path = ?",
            s -> {
              s.setString(1, manifestSha256);
              s.setString(2, path);
            },
            row -> new ModelVersion.PackageFile(row.getString(1), row.getString(2), row.getLong(3)))
        .stream()
        .findFirst();
  }

  /** Where a stored blob is on disk. */
  public Path blobPath(String sha256) {
    return blobs.path(sha256);
  }

  /** The console's public key, PEM. */
  public String publicKeyPem() {
    return keys.publicPem();
  }

  @Override
  public Optional<DesiredModel> desiredModel(String name, String version) {
    return desiredCache.computeIfAbsent(
        name + "\n" + version,
        k ->
            version(name, version)
                .map(
                    v ->
                        DesiredModel.newBuilder()
                            .setModelName(name)
                            .setModelVersion(version)
                            .setDownloadUrl(v.downloadUrl())
                            .setSha256(v.manifestSha256())
                            .build()));
  }

  private static final String SELECT_VERSION =
      "SELECT model_name, version, format, manifest_sha256, key_id, platforms, total_bytes,"
          + " created_at, created_by FROM model_versions";

  private ModelVersion version(ResultSet row) throws SQLException {
    String manifestSha = row.getString(4);
    List<String> platforms;
    try {
      platforms = JSON.readValue(row.getString(6), new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new SQLException("unreadable platforms of " + row.getString(1), e);
    }
    List<ModelVersion.PackageFile> files =
        jdbc.query(
            "SELECT path, sha256, size FROM package_files WHERE manifest_sha256 = ? ORDER BY path",
            s -> s.setString(1, manifestSha),
            f -> new ModelVersion.PackageFile(f.getString(1), f.getString(2), f.getLong(3)));
    return new ModelVersion(
        row.getString(1),
        row.getString(2),
        row.getString(3),
        manifestSha,
        row.getString(5),
        platforms,
        row.getLong(7),
        row.getTimestamp(8).toInstant(),
        row.getString(9),
        urls.packageUrl(manifestSha),
        files);
  }

  private static String requireName(String value, String field) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new RegistryException(
          400,
          field
              + " '"
              + value
              + "' is not valid: expected 1 to 64 letters, digits, '.', '_' or '-'");
    }
    return value;
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not remove the scratch folder {}: {}", dir, e.toString());
    }
  }
}
