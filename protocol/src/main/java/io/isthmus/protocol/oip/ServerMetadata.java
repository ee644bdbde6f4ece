package io.isthmus.protocol.oip;

import java.util.List;
import java.util.Objects;

/**
 * The protocol's {@code $metadata_server_response} ({@code GET v2}), with the server's parameters
 * such as the execution provider in use.
 *
 * @param name the server's name
 * @param version the server's version
 * @param extensions the protocol extensions it supports, e.g. {@code "binary_tensor_data"}
 * @param parameters server facts beyond the specification's fields (may be empty)
 */
public record ServerMetadata(
    String name, String version, List<String> extensions, OipParameters parameters) {
  /** The extension name for binary tensor data in HTTP bodies. */
  public static final String BINARY_TENSOR_DATA = "binary_tensor_data";

  /**
   * @throws NullPointerException if an argument or element is null
   */
  public ServerMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    extensions = List.copyOf(Objects.requireNonNull(extensions, "extensions"));
    Objects.requireNonNull(parameters, "parameters");
  }
}
