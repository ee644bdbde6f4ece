package io.isthmus.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.ExternalDelegate;
import io.isthmus.inference.ModelOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code pipelines[].model.accelerator}: the ordered execution providers, what to do when none is
 * usable, and a TFLite external delegate, read into the model's {@link ModelOptions}. See
 * docs/accelerators.md.
 */
final class AcceleratorConfigReader {
  private static final Map<String, ExecutionProvider> PROVIDERS =
      Map.of(
          "cpu", ExecutionProvider.CPU,
          "xnnpack", ExecutionProvider.XNNPACK,
          "cuda", ExecutionProvider.CUDA,
          "tensorrt", ExecutionProvider.TENSOR_RT,
          "dnnl", ExecutionProvider.DNNL,
          "nnapi", ExecutionProvider.NNAPI,
          "tflite-delegate", ExecutionProvider.TFLITE_DELEGATE);

  private AcceleratorConfigReader() {}

  /** The model's options: {@code threads} and what {@code node} (the accelerator) sets. */
  static ModelOptions read(ConfigNode node, int threads) {
    node.allowOnly("providers", "fallback", "delegate");
    ModelOptions.Builder options = ModelOptions.builder().intraOpThreads(threads);
    List<ExecutionProvider> providers = providers(node);
    if (!providers.isEmpty()) {
      options.providers(providers);
    }
    options.fallbackToCpu(
        node.choice("fallback", Boolean.TRUE, Map.of("cpu", Boolean.TRUE, "error", Boolean.FALSE)));
    ConfigNode delegate = node.child("delegate").allowOnly("library", "options");
    Optional<String> library = delegate.string("library");
    if (delegate.isPresent()) {
      if (library.isEmpty()) {
        throw new ConfigException(
            delegate.path("library"), "missing, expected a delegate shared library");
      }
      options.tfliteDelegate(new ExternalDelegate(Path.of(library.get()), options(delegate)));
    }
    return options.build();
  }

  private static List<ExecutionProvider> providers(ConfigNode node) {
    List<ExecutionProvider> providers = new ArrayList<>();
    List<String> names = node.strings("providers");
    for (int i = 0; i < names.size(); i++) {
      ExecutionProvider provider = PROVIDERS.get(names.get(i));
      if (provider == null) {
        throw new ConfigException(
            node.path("providers") + "[" + i + "]",
            "\""
                + names.get(i)
                + "\" is not one of "
                + PROVIDERS.keySet().stream().sorted().toList());
      }
      if (providers.contains(provider)) {
        throw new ConfigException(
            node.path("providers") + "[" + i + "]", "\"" + names.get(i) + "\" is listed twice");
      }
      providers.add(provider);
    }
    return providers;
  }

  /** {@code delegate.options}: a mapping of option names to text values, handed to the delegate. */
  private static Map<String, String> options(ConfigNode delegate) {
    ConfigNode node = delegate.child("options");
    Map<String, String> options = new TreeMap<>();
    if (!node.isPresent()) {
      return options;
    }
    JsonNode raw = node.raw();
    if (!raw.isObject()) {
      throw new ConfigException(
          node.path(), ConfigNode.describe(raw) + " is not a mapping of option names to values");
    }
    raw.fieldNames()
        .forEachRemaining(name -> options.put(name, node.requiredString(name, "an option value")));
    return options;
  }
}
