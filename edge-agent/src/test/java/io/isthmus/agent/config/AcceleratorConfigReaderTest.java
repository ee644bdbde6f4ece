package io.isthmus.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.ExternalDelegate;
import io.isthmus.inference.ModelOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceleratorConfigReaderTest {

  @Test
  void providersFallbackAndDelegateBecomeTheModelOptions() {
    ModelOptions options =
        options(
            "threads: 2, accelerator: {providers: [cuda, xnnpack, cpu], fallback: error,"
                + " delegate: {library: libedgetpu.so.1, options: {device: usb, n: 2}}}");

    assertThat(options.intraOpThreads()).isEqualTo(2);
    assertThat(options.providers())
        .containsExactly(ExecutionProvider.CUDA, ExecutionProvider.XNNPACK, ExecutionProvider.CPU);
    assertThat(options.fallbackToCpu()).isFalse();
    assertThat(options.tfliteDelegate())
        .contains(
            new ExternalDelegate(Path.of("libedgetpu.so.1"), Map.of("device", "usb", "n", "2")));
  }

  @Test
  void withoutAnAcceleratorAModelRunsOnCpuWithFallback() {
    ModelOptions options = options("threads: 3");

    assertThat(options).isEqualTo(ModelOptions.builder().intraOpThreads(3).build());
    assertThat(options.providers()).containsExactly(ExecutionProvider.CPU);
    assertThat(options.fallbackToCpu()).isTrue();
    assertThat(options.tfliteDelegate()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{providers: [cpu, gpu]}|pipelines[0].model.accelerator.providers[1]: \"gpu\" is not one of"
            + " [cpu, cuda, dnnl, nnapi, tensorrt, tflite-delegate, xnnpack]",
        "{providers: [cpu, cpu]}|pipelines[0].model.accelerator.providers[1]: \"cpu\" is listed"
            + " twice",
        "{fallback: maybe}|pipelines[0].model.accelerator.fallback: \"maybe\" is not one of [cpu,"
            + " error]",
        "{delegate: {options: {device: usb}}}|pipelines[0].model.accelerator.delegate.library:"
            + " missing, expected a delegate shared library",
        "{delegate: {library: x.so, options: [a]}}|pipelines[0].model.accelerator.delegate.options:",
        "{gpu: true}|pipelines[0].model.accelerator"
      })
  void badValuesNameTheirKey(String accelerator, String message) {
    assertThatThrownBy(() -> options("accelerator: " + accelerator))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  private static ModelOptions options(String model) {
    String yaml =
        "broker: {embedded: {enabled: true, port: 0}}\n"
            + "pipelines:\n"
            + "  - name: p\n"
            + "    pre: [{window: {size: 8}}]\n"
            + "    model: {path: m.onnx, "
            + model
            + "}\n";
    return AgentConfigReader.parse(yaml, Path.of(".")).pipelines().get(0).model().options();
  }
}
