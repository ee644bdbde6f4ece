package io.isthmus.inference.tflite;

import static io.isthmus.inference.testing.TestTensors.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.inference.EngineAvailability;
import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.ExternalDelegate;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.InferenceException.Code;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.testing.TestModels;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a TFLite external delegate plugin built from C in the test, and its failures. */
class TfLiteExternalDelegateTest {
  @TempDir static Path dir;
  private static NoopDelegatePlugin plugin;
  private static NoopDelegatePlugin noAbi;

  private final TfLiteEngine engine = TfLiteEngine.create();

  @BeforeAll
  static void buildPlugins() throws Exception {
    plugin = NoopDelegatePlugin.build(dir, "libisthmus_noop_delegate.so", true);
    noAbi = NoopDelegatePlugin.build(dir, "libisthmus_no_abi.so", false);
  }

  @Test
  void delegateIsPreparedAndOutputsEqualThoseWithoutIt() throws Exception {
    Path model = TestModels.require("blazeface-short-range-tflite");
    Map<String, Tensor> input = Map.of("input", uniform(new long[] {1, 128, 128, 3}, 7, -1, 1));
    Outputs plain;
    try (LoadedModel m = engine.load(model, ModelOptions.defaults())) {
      plain = m.run(input);
    }
    int preparedBefore = plugin.prepareCalls();
    ModelOptions withDelegate = delegateOptions(plugin.library(), Map.of()).build();

    try (LoadedModel m = engine.load(model, withDelegate)) {
      assertThat(m.provider()).isEqualTo(ExecutionProvider.TFLITE_DELEGATE);
      assertThat(plugin.prepareCalls()).isGreaterThan(preparedBefore);
      assertThat(plugin.liveDelegates()).isEqualTo(1);
      Outputs delegated = m.run(input);
      assertThat(delegated.names()).isEqualTo(plain.names());
      for (String name : plain.names()) {
        assertThat(delegated.get(name).toFloatArray())
            .containsExactly(plain.get(name).toFloatArray());
      }
    }
    assertThat(plugin.liveDelegates()).as("destroyed after the interpreter closed").isZero();
  }

  @Test
  void missingLibraryFailsClearlyOrFallsBackAsConfigured() throws Exception {
    Path model = TestModels.require("oww-embedding-tflite");
    Path missing = dir.resolve("libnot_there.so");
    ModelOptions.Builder options = delegateOptions(missing, Map.of());

    assertUnavailable(
        model, options, "TFLite delegate library " + missing + " could not be loaded");
    try (LoadedModel m = engine.load(model, options.fallbackToCpu(true).build())) {
      assertThat(m.provider()).isEqualTo(ExecutionProvider.XNNPACK);
    }
  }

  @Test
  void libraryWithoutThePluginFunctionsFailsNamingTheSymbol() throws Exception {
    Path model = TestModels.require("oww-embedding-tflite");
    assertUnavailable(
        model,
        delegateOptions(noAbi.library(), Map.of()),
        "does not export tflite_plugin_create_delegate: it does not implement TFLite's external"
            + " delegate plugin ABI");
  }

  @Test
  void nullDelegateFailsWithWhatThePluginReported() throws Exception {
    Path model = TestModels.require("oww-embedding-tflite");
    assertUnavailable(
        model,
        delegateOptions(plugin.library(), Map.of("fail_create", "1")),
        "tflite_plugin_create_delegate returned NULL for options {fail_create=1}; it reported:"
            + " noop delegate: fail_create was set");
  }

  @Test
  void interpreterRefusingTheDelegateFailsOrFallsBackAndDestroysIt() throws Exception {
    Path model = TestModels.require("oww-embedding-tflite");
    ModelOptions.Builder options = delegateOptions(plugin.library(), Map.of("fail_prepare", "1"));

    assertUnavailable(model, options, "TFLite refused delegate");
    assertThat(plugin.liveDelegates()).isZero();
    try (LoadedModel m = engine.load(model, options.fallbackToCpu(true).build())) {
      assertThat(m.provider()).isEqualTo(ExecutionProvider.XNNPACK);
    }
    assertThat(plugin.liveDelegates()).isZero();
  }

  @Test
  void availabilityReportsTheConfiguredDelegate() {
    EngineAvailability none = engine.availability();
    assertThat(none.missingProviders().get(ExecutionProvider.TFLITE_DELEGATE))
        .isEqualTo("none configured");

    EngineAvailability good =
        engine.availability(delegateOptions(plugin.library(), Map.of()).build());
    assertThat(good.providers()).contains(ExecutionProvider.TFLITE_DELEGATE);

    EngineAvailability bad =
        engine.availability(delegateOptions(noAbi.library(), Map.of()).build());
    assertThat(bad.providers()).doesNotContain(ExecutionProvider.TFLITE_DELEGATE);
    assertThat(bad.missingProviders().get(ExecutionProvider.TFLITE_DELEGATE))
        .contains("does not export tflite_plugin_create_delegate");
  }

  private static ModelOptions.Builder delegateOptions(Path library, Map<String, String> options) {
    return ModelOptions.builder()
        .tfliteDelegate(new ExternalDelegate(library, options))
        .fallbackToCpu(false);
  }

  private void assertUnavailable(Path model, ModelOptions.Builder options, String message) {
    assertThatThrownBy(() -> engine.load(model, options.build()))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((InferenceException) e).code())
        .isEqualTo(Code.PROVIDER_UNAVAILABLE);
  }
}
