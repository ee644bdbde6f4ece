package io.isthmus.protocol.manifest;

import io.isthmus.protocol.v1.ModelFile;
import io.isthmus.protocol.v1.ModelFormat;
import io.isthmus.protocol.v1.ModelManifest;
import io.isthmus.protocol.v1.PartitionPlanRef;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Builds an unsigned {@link ModelPackage}: copies the model files into a new folder and writes a
 * manifest with each file's sha256 and size. Every setter validates its argument and names it.
 *
 * <pre>{@code
 * ModelPackage pkg = new PackageBuilder("vibration", "1.2.0")
 *     .addFile(Path.of("model.onnx"), "model.onnx")
 *     .platform("linux-aarch64")
 *     .pack(Path.of("out/vibration-1.2.0"));
 * }</pre>
 */
public final class PackageBuilder {
  private final String name;
  private final String version;
  private final Map<String, Path> files = new LinkedHashMap<>();
  private final List<String> platforms = new ArrayList<>();
  private final List<String> engines = new ArrayList<>();
  private ModelFormat format;
  private PartitionPlanRef plan;
  private Clock clock = Clock.systemUTC();

  /**
   * @throws IllegalArgumentException if {@code name} or {@code version} is blank
   */
  public PackageBuilder(String name, String version) {
    this.name = requireText(name, "name");
    this.version = requireText(version, "version");
  }

  /**
   * Adds {@code source} to the package at {@code path} ('/'-separated, relative).
   *
   * @throws IllegalArgumentException if {@code path} is unsafe or already added
   */
  public PackageBuilder addFile(Path source, String path) {
    String problem = PackagePaths.problem(Objects.requireNonNull(path, "path"));
    if (problem != null) {
      throw new IllegalArgumentException("Invalid package path: " + problem);
    }
    if (files.putIfAbsent(path, Objects.requireNonNull(source, "source")) != null) {
      throw new IllegalArgumentException("Package path '" + path + "' is added twice");
    }
    return this;
  }

  /**
   * Adds every regular file under folder {@code dir}, at its path relative to {@code dir}.
   *
   * @throws IOException if the folder cannot be listed
   */
  public PackageBuilder addTree(Path dir) throws IOException {
    List<Path> found;
    try (Stream<Path> walk = Files.walk(dir)) {
      found = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : found) {
      addFile(file, dir.relativize(file).toString().replace('\\', '/'));
    }
    return this;
  }

  /** Adds a target platform, e.g. {@code linux-aarch64}, or {@value Platforms#ANY}. */
  public PackageBuilder platform(String platform) {
    platforms.add(requireText(platform, "platform"));
    return this;
  }

  /** Adds an engine that runs the model, e.g. {@code onnxruntime}. */
  public PackageBuilder engine(String engine) {
    engines.add(requireText(engine, "engine"));
    return this;
  }

  /** The model format; by default taken from the first {@code .onnx} or {@code .tflite} file. */
  public PackageBuilder format(ModelFormat format) {
    this.format = Objects.requireNonNull(format, "format");
    return this;
  }

  /** Where the partition plan and its head and tail models are among the files. */
  public PackageBuilder partitionPlan(String planPath, String headPath, String tailPath) {
    this.plan =
        PartitionPlanRef.newBuilder()
            .setPath(requireText(planPath, "planPath"))
            .setHeadPath(requireText(headPath, "headPath"))
            .setTailPath(requireText(tailPath, "tailPath"))
            .build();
    return this;
  }

  /** The clock that stamps {@code created_at_us}; for tests. */
  PackageBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Copies the files into the new folder {@code out} and writes the unsigned manifest.
   *
   * @throws IllegalStateException if no file was added, the format cannot be told, or the plan
   *     names a file that is not added
   * @throws FileAlreadyExistsException if {@code out} exists and is not an empty folder
   * @throws IOException if copying fails
   */
  public ModelPackage pack(Path out) throws IOException {
    ModelManifest manifest = manifestSkeleton();
    if (Files.exists(out)) {
      try (Stream<Path> entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new FileAlreadyExistsException(out.toString(), null, "not an empty folder");
        }
      }
    }
    Files.createDirectories(out);
    ModelManifest.Builder withFiles = manifest.toBuilder();
    for (Map.Entry<String, Path> file : files.entrySet()) {
      Path target = out.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.copy(file.getValue(), target, StandardCopyOption.COPY_ATTRIBUTES);
      withFiles.addFiles(
          ModelFile.newBuilder()
              .setPath(file.getKey())
              .setSha256(ModelPackage.sha256(target))
              .setSize(Files.size(target)));
    }
    return ModelPackage.write(out, ManifestSigner.unsigned(withFiles.build()));
  }

  private ModelManifest manifestSkeleton() {
    if (files.isEmpty()) {
      throw new IllegalStateException("A package needs at least one file");
    }
    if (plan != null) {
      for (String path : List.of(plan.getPath(), plan.getHeadPath(), plan.getTailPath())) {
        if (!files.containsKey(path)) {
          throw new IllegalStateException(
              "The partition plan names '"
                  + path
                  + "', which is not among the files "
                  + files.keySet());
        }
      }
    }
    ModelFormat resolved = format != null ? format : formatFromFiles();
    ModelManifest.Builder manifest =
        ModelManifest.newBuilder()
            .setName(name)
            .setVersion(version)
            .setFormat(resolved)
            .addAllPlatforms(platforms.isEmpty() ? List.of(Platforms.ANY) : platforms)
            .addAllEngines(engines.isEmpty() ? List.of(defaultEngine(resolved)) : engines)
            .setCreatedAtUs(ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant()));
    if (plan != null) {
      manifest.setPartitionPlan(plan);
    }
    return manifest.build();
  }

  private ModelFormat formatFromFiles() {
    for (String path : files.keySet()) {
      String lower = path.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".onnx")) {
        return ModelFormat.ONNX;
      }
      if (lower.endsWith(".tflite")) {
        return ModelFormat.TFLITE;
      }
    }
    throw new IllegalStateException(
        "No .onnx or .tflite file among " + files.keySet() + "; set the format explicitly");
  }

  private static String defaultEngine(ModelFormat format) {
    return format == ModelFormat.TFLITE ? "tflite" : "onnxruntime";
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank, got '" + value + "'");
    }
    return value;
  }
}
