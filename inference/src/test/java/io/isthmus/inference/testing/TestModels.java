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

  /** The model ids of tools/models.tsv and their file names under the models folder. */
  private static final Map<String, String> FILES = new LinkedHashMap<>();

  static {
    FILES.put("pp-ocr-cls", "pp-ocr-cls.onnx");
    FILES.put("blazeface-front-128", "blazeface-front-128.onnx");
    FILES.put("blazeface-back-256", "blazeface-back-256.onnx");
    FILES.put("silero-vad-v5", "silero-vad-v5.onnx");
    FILES.put("oww-embedding", "oww-embedding.onnx");
    FILES.put("oww-melspectrogram", "oww-melspectrogram.onnx");
    FILES.put("oww-hey-jarvis", "oww-hey-jarvis.onnx");
    FILES.put("oww-embedding-tflite", "oww-embedding.tflite");
    FILES.put("blazeface-short-range-tflite", "blazeface-short-range.tflite");
    FILES.put("minilm-l6-q", "minilm-l6-q.onnx");
    FILES.put("minilm-l6", "minilm-l6.onnx");
  }

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

  private static Path directory() {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(ENVIRONMENT);
    }
    return dir == null || dir.isBlank() ? null : Path.of(dir);
  }
}
