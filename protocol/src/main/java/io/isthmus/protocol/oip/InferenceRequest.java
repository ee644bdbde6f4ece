package io.isthmus.protocol.oip;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The protocol's {@code $inference_request}: an optional id, parameters, input tensors and the
 * outputs wanted (empty means all, in the server's default form).
 *
 * @param id echoed in the response when present
 * @param parameters request parameters, e.g. {@code binary_data_output}
 * @param inputs the input tensors, names unique
 * @param outputs the requested outputs, possibly empty
 */
public record InferenceRequest(
    Optional<String> id,
    OipParameters parameters,
    List<OipTensor> inputs,
    List<RequestedOutput> outputs) {
  /**
   * @throws NullPointerException if an argument or element is null
   * @throws IllegalArgumentException if two inputs share a name
   */
  public InferenceRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(parameters, "parameters");
    inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
    outputs = List.copyOf(Objects.requireNonNull(outputs, "outputs"));
    Set<String> names = new HashSet<>();
    for (OipTensor input : inputs) {
      if (!names.add(input.name())) {
        throw new IllegalArgumentException("inputs has two tensors named '" + input.name() + "'");
      }
    }
  }

  /** A request with just inputs: no id, no parameters, all outputs. */
  public static InferenceRequest of(List<OipTensor> inputs) {
    return new InferenceRequest(Optional.empty(), OipParameters.empty(), inputs, List.of());
  }

  /**
   * Whether the client asked for output {@code name} as binary data: its {@code binary_data}
   * parameter if it was requested with one, else the request's {@code binary_data_output}, else
   * false.
   */
  public boolean wantsBinaryOutput(String name) {
    for (RequestedOutput output : outputs) {
      if (output.name().equals(name)) {
        Optional<Boolean> own = output.parameters().getBoolean(OipParameters.BINARY_DATA);
        if (own.isPresent()) {
          return own.get();
        }
      }
    }
    return parameters.getBoolean(OipParameters.BINARY_DATA_OUTPUT).orElse(false);
  }
}
