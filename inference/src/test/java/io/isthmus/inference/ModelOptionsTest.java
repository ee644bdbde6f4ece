package io.isthmus.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelOptionsTest {

  @Test
  void defaultsAreOneCpuThreadWithFallback() {
    ModelOptions o = ModelOptions.defaults();

    assertThat(o.intraOpThreads()).isEqualTo(1);
    assertThat(o.interOpThreads()).isEqualTo(1);
    assertThat(o.provider()).isEqualTo(ExecutionProvider.CPU);
    assertThat(o.optimization()).isEqualTo(GraphOptimization.ALL);
    assertThat(o.fallbackToCpu()).isTrue();
  }

  @Test
  void builderValidatesThreadCountsNamingTheValue() {
    assertThatThrownBy(() -> ModelOptions.builder().intraOpThreads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("intraOpThreads must be between 1 and 256, was 0");
    assertThatThrownBy(() -> ModelOptions.builder().interOpThreads(1000))
        .hasMessage("interOpThreads must be between 1 and 256, was 1000");
    assertThatThrownBy(() -> ModelOptions.builder().provider(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("provider");
  }

  @Test
  void toBuilderRoundTripsAndOptionsAreValues() {
    ModelOptions o =
        ModelOptions.builder()
            .intraOpThreads(2)
            .interOpThreads(3)
            .provider(ExecutionProvider.CUDA)
            .optimization(GraphOptimization.BASIC)
            .fallbackToCpu(false)
            .build();

    assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
    assertThat(o.toBuilder().intraOpThreads(1).build()).isNotEqualTo(o);
    assertThat(o.toString()).contains("provider=CUDA", "fallbackToCpu=false");
  }

  @Test
  void providersAreAnOrderedPreferenceAndProviderIsTheFirst() {
    ModelOptions o =
        ModelOptions.builder()
            .providers(List.of(ExecutionProvider.CUDA, ExecutionProvider.XNNPACK))
            .tfliteDelegate(
                new ExternalDelegate(Path.of("libedgetpu.so.1"), Map.of("device", "usb")))
            .build();

    assertThat(o.provider()).isEqualTo(ExecutionProvider.CUDA);
    assertThat(o.providers()).containsExactly(ExecutionProvider.CUDA, ExecutionProvider.XNNPACK);
    assertThat(o.toBuilder().build()).isEqualTo(o);
    assertThat(o.toBuilder().tfliteDelegate(null).build()).isNotEqualTo(o);
    assertThat(o.toBuilder().provider(ExecutionProvider.XNNPACK).build().providers())
        .containsExactly(ExecutionProvider.XNNPACK);
    assertThat(o.tfliteDelegate().orElseThrow().options()).containsEntry("device", "usb");
  }

  @Test
  void providersRejectEmptyAndRepeatedLists() {
    assertThatThrownBy(() -> ModelOptions.builder().providers(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("providers must name at least one provider, was []");
    assertThatThrownBy(
            () ->
                ModelOptions.builder()
                    .providers(List.of(ExecutionProvider.CPU, ExecutionProvider.CPU)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("providers must not name a provider twice, was [CPU, CPU]");
  }
}
