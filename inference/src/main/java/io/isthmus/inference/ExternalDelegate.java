package io.isthmus.inference;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A TFLite delegate in a shared library that implements TFLite's external delegate plugin ABI
 * ({@code tflite_plugin_create_delegate} and {@code tflite_plugin_destroy_delegate}), such as an
 * Edge TPU or another NPU vendor's delegate.
 *
 * @param library the shared library's path, or a bare file name the dynamic linker searches for
 * @param options key/value options handed to {@code tflite_plugin_create_delegate} (their meaning
 *     is the delegate's; the Edge TPU delegate takes {@code device}, for example)
 */
public record ExternalDelegate(Path library, Map<String, String> options) {

  public ExternalDelegate {
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(options, "options");
    if (library.toString().isBlank()) {
      throw new IllegalArgumentException("library must name a shared library, was blank");
    }
    // sorted, so the order handed to the delegate and toString() are stable
    options = Collections.unmodifiableMap(new TreeMap<>(options));
  }

  /** A delegate with no options. */
  public static ExternalDelegate of(Path library) {
    return new ExternalDelegate(library, Map.of());
  }
}
