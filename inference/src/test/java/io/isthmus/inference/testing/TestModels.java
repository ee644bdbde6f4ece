package io.isthmus.inference.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real models of {@code tools/models.tsv} for tests, from the folder named by the system
 * property {@code isthmus.models.dir} (set by the build) or the environment variable {@code
 * ISTHMUS_MODELS_DIR}. A missing model fails the test on CI (env {@code CI=true}) and aborts it
 * elsewhere, with a message saying to run {@code ./isthmus models fetch}.
 */
public final class TestModels {
  public static final String PROPERTY = "isthmus.models.dir";
  public static final String ENVIRONMENT = "ISTHMUS_MODELS_DIR";

  public static final String CATALOG_PROPERTY = "isthmus.models.catalog";

  /** The model ids of tools/models.tsv and their file names under the models folder. */
  private static final Map<String, String> FILES = readCatalog();

  private TestModels() {}

  /**
   * The path of model {@code id}.
   *
   * @throws IllegalArgumentException for an id that tools/models.tsv lacks
   */
  public static Path require(String id) {
    String file = FILES.get(id);
    if (file == null) {
      throw new IllegalArgumentException(
          "Unknown model id " + id + ", expected one of " + FILES.keySet());
    }
    Path dir = directory();
    String problem;
    if (dir == null) {
      problem =
          "No models folder: set -D" + PROPERTY + " or " + ENVIRONMENT + " (model " + id + ")";
    } else if (!Files.isRegularFile(dir.resolve(file))) {
      problem = "Model " + id + " is missing at " + dir.resolve(file);
    } else {
      return dir.resolve(file);
    }
    String message = problem + ". Run `./isthmus models fetch` to fetch the test models.";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    abort(message);
    throw new AssertionError("unreachable");
  }

  /** The bytes of model {@code id}; missing models are handled as in {@link #require}. */
  public static byte[] bytes(String id) {
    try {
      return Files.readAllBytes(require(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads id and file name from each row of the catalogue named by {@code -Disthmus.models.catalog}
   * (set by the build), else {@code tools/models.tsv} beside the models folder.
   */
  private static Map<String, String> readCatalog() {
    String configured = System.getProperty(CATALOG_PROPERTY);
    Path dir = directory();
    Path catalog =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : (dir == null ? Path.of("tools") : dir.toAbsolutePath().getParent().resolve("tools"))
                .resolve("models.tsv");
    Map<String, String> files = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(catalog)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] columns = line.split("\t");
        files.put(columns[0], columns[1]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the model catalogue " + catalog, e);
    }
    return files;
  }

  private static Path directory() {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(ENVIRONMENT);
    }
    return dir == null || dir.isBlank() ? null : Path.of(dir);
  }
}
