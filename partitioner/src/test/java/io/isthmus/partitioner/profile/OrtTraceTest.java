package io.isthmus.partitioner.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OrtTraceTest {
  /** Three runs (the first a warm-up) of two nodes; B runs two kernels in its second run. */
  private static final String TRACE =
      """
      [
        {"cat":"Session","name":"model_loading_uri","ts":0,"dur":50,"args":{}},
        {"cat":"Session","name":"model_run","ts":100,"dur":100,"args":{}},
        {"cat":"Node","name":"A_kernel_time","ts":110,"dur":900,"args":{"op_name":"Conv","output_size":"64",
          "output_type_shape":[{"float":[1,4,2,2]}]}},
        {"cat":"Session","name":"model_run","ts":300,"dur":100,"args":{}},
        {"cat":"Node","name":"A_kernel_time","ts":310,"dur":40,"args":{"op_name":"Conv","output_size":"64",
          "output_type_shape":[{"float":[1,4,2,2]}]}},
        {"cat":"Node","name":"B_kernel_time","ts":360,"dur":10,"args":{"op_name":"Split","output_size":"24",
          "output_type_shape":[{"float":[1,2]},{"int64":[2]}]}},
        {"cat":"Session","name":"model_run","ts":500,"dur":100,"args":{}},
        {"cat":"Node","name":"A_kernel_time","ts":510,"dur":60,"args":{"op_name":"Conv","output_size":"64",
          "output_type_shape":[{"float":[1,4,2,2]}]}},
        {"cat":"Node","name":"B_kernel_time","ts":580,"dur":7,"args":{"op_name":"Split","output_size":"24",
          "output_type_shape":[{"float":[1,2]},{"int64":[2]}]}},
        {"cat":"Node","name":"B_kernel_time","ts":590,"dur":5,"args":{"op_name":"Split","output_size":"24",
          "output_type_shape":[{"float":[1,2]},{"int64":[2]}]}}
      ]
      """;

  @Test
  void mediansOverMeasuredRunsSkipWarmUpAndSumKernelsWithinARun() throws Exception {
    OrtTrace trace = OrtTrace.parse(TRACE.getBytes(StandardCharsets.UTF_8), 1);

    assertThat(trace.runs()).isEqualTo(2);
    assertThat(trace.kernels()).containsOnlyKeys("A", "B");
    // A: runs of 40 and 60 us (the 900 us warm-up is skipped): median 50 us.
    assertThat(trace.kernels().get("A").medianMs()).isEqualTo(0.050);
    // B: 10 us, then 7 + 5 = 12 us: median 11 us.
    assertThat(trace.kernels().get("B").medianMs()).isEqualTo(0.011);
    assertThat(trace.kernels().get("A").op()).isEqualTo("Conv");
    assertThat(trace.kernels().get("A").outputTensorBytes()).containsExactly(64L);
    assertThat(trace.kernels().get("B").outputBytes()).isEqualTo(24);
    assertThat(trace.kernels().get("B").outputTensorBytes()).containsExactly(8L, 16L);
  }

  @Test
  void traceWithNoMeasuredRunIsRejected() {
    assertThatThrownBy(() -> OrtTrace.parse(TRACE.getBytes(StandardCharsets.UTF_8), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 runs, no more than the 3 warm-up runs");
    assertThatThrownBy(() -> OrtTrace.parse("{}".getBytes(StandardCharsets.UTF_8), 0))
        .hasMessageContaining("JSON array");
  }
}
