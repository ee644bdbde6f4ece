package io.isthmus.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the fetched models of tools/models.tsv for a benchmark run. */
public final class BenchmarkModels {
  private BenchmarkModels() {}

  /**
   * The model file {@code file} in the models folder: system property {@code isthmus.models.dir},
   * else env {@code ISTHMUS_MODELS_DIR}, else {@code models/} under the working directory.
   *
   * @throws IllegalStateException naming the path and the fetch command when the file is missing
   */
  public static Path require(String file) {
    String dir = System.getProperty("isthmus.models.dir", System.getenv("ISTHMUS_MODELS_DIR"));
    Path path = Path.of(dir == null ? "models" : dir).resolve(file).toAbsolutePath();
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(
          "Model " + path + " is missing: run ./isthmus models fetch first");
    }
    return path;
  }
}
