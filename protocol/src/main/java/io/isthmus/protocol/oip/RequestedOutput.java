package io.isthmus.protocol.oip;

import java.util.Objects;

/**
 * The protocol's {@code $request_output}: an output the client wants, with parameters such as
 * {@code binary_data}.
 *
 * @param name the output tensor's name
 * @param parameters its parameters
 */
public record RequestedOutput(String name, OipParameters parameters) {
  /**
   * @throws IllegalArgumentException if the name is empty; NullPointerException if null
   */
  public RequestedOutput {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parameters, "parameters");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name must not be empty");
    }
  }

  /** An output asked for in JSON form (no parameters). */
  public static RequestedOutput json(String name) {
    return new RequestedOutput(name, OipParameters.empty());
  }

  /** An output asked for as binary data ({@code "binary_data": true}). */
  public static RequestedOutput binary(String name) {
    return new RequestedOutput(name, OipParameters.of(OipParameters.BINARY_DATA, true));
  }
}
