package io.isthmus.protocol.oip;

import java.util.List;
import java.util.Objects;

/**
 * The protocol's {@code $metadata_model_response}.
 *
 * @param name the model's name
 * @param versions versions that may be requested explicitly (may be empty)
 * @param platform the framework/backend, e.g. {@code "onnxruntime_onnx"}
 * @param inputs the inputs the model needs
 * @param outputs the outputs it produces
 */
public record ModelMetadata(
    String name,
    List<String> versions,
    String platform,
    List<TensorMetadata> inputs,
    List<TensorMetadata> outputs) {
  /**
   * @throws NullPointerException if an argument or element is null
   */
  public ModelMetadata {
    Objects.requireNonNull(name, "name");
    versions = List.copyOf(Objects.requireNonNull(versions, "versions"));
    Objects.requireNonNull(platform, "platform");
    inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
    outputs = List.copyOf(Objects.requireNonNull(outputs, "outputs"));
  }
}
