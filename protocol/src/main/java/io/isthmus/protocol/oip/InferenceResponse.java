package io.isthmus.protocol.oip;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The protocol's {@code $inference_response}.
 *
 * @param modelName the model that ran; may be empty only when decoding responses of servers that
 *     omit it (the specification's own examples do)
 * @param modelVersion the version, if the server has versions
 * @param id the request's id, if it had one
 * @param parameters response parameters
 * @param outputs the output tensors
 */
public record InferenceResponse(
    String modelName,
    Optional<String> modelVersion,
    Optional<String> id,
    OipParameters parameters,
    List<OipTensor> outputs) {
  /**
   * @throws NullPointerException if an argument or element is null
   */
  public InferenceResponse {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(modelVersion, "modelVersion");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(parameters, "parameters");
    outputs = List.copyOf(Objects.requireNonNull(outputs, "outputs"));
  }

  /**
   * The output named {@code name}.
   *
   * @throws IllegalArgumentException naming the outputs there are, if none has that name
   */
  public OipTensor output(String name) {
    for (OipTensor output : outputs) {
      if (output.name().equals(name)) {
        return output;
      }
    }
    throw new IllegalArgumentException(
        "Unknown output name "
            + name
            + ", expected one of "
            + outputs.stream().map(OipTensor::name).toList());
  }
}
