package io.isthmus.console.registry;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An upload to register as a new version: the model file, the platforms it is for and an optional
 * partition plan with its head and tail models.
 *
 * @param model the uploaded model file (a temporary file)
 * @param modelFileName the name it had, ending in {@code .onnx} or {@code .tflite}
 * @param platforms target platforms; empty means any
 * @param plan the partition plan file, or null; then head and tail are needed too
 */
public record ModelUpload(
    String name,
    String version,
    Path model,
    String modelFileName,
    List<String> platforms,
    Path plan,
    Path head,
    Path tail) {
  public ModelUpload {
    Objects.requireNonNull(model, "model");
    platforms = platforms == null ? List.of() : List.copyOf(platforms);
  }
}
