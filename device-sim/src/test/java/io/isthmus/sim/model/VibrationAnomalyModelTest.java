package io.isthmus.sim.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.isthmus.inference.Engines;
import io.isthmus.inference.InferenceEngine;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.Tensor;
import io.isthmus.sim.profile.VibrationProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VibrationAnomalyModelTest {
  private static final VibrationProfile PROFILE = VibrationProfile.defaults();
  private static final int N = 200;
  private static VibrationAnomalyModel model;
  private static double[][] healthy;
  private static double[][] faulty;

  @BeforeAll
  static void fit() {
    model = VibrationAnomalyModel.fitDefault();
    // Test windows from another seed than the training windows.
    SplittableRandom rng = new SplittableRandom(2024);
    healthy = new double[N][];
    faulty = new double[N][];
    for (int i = 0; i < N; i++) {
      healthy[i] = PROFILE.window(rng, false);
      faulty[i] = PROFILE.window(rng, true);
    }
  }

  @Test
  void onnxOutputEqualsTheJavaReference(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("vibration-anomaly.onnx");
    model.write(file);
    float[] input = new float[2 * N * 256];
    double[] expected = new double[2 * N];
    for (int i = 0; i < 2 * N; i++) {
      double[] w = i < N ? healthy[i] : faulty[i - N];
      for (int j = 0; j < 256; j++) {
        input[i * 256 + j] = (float) w[j];
      }
      expected[i] = model.score(w);
    }
    float[] actual;
    try (InferenceEngine engine = Engines.onnxRuntime();
        LoadedModel loaded = engine.load(file)) {
      assertThat(loaded.signature().toString()).contains("window").contains("score");
      actual =
          loaded
              .run(Map.of("window", Tensor.ofFloats(new long[] {2 * N, 256}, input)))
              .get("score")
              .toFloatArray();
      // The batch dimension is dynamic: one window alone works too.
      float[] one =
          loaded
              .run(
                  Map.of("window", Tensor.ofFloats(new long[] {1, 256}, Arrays.copyOf(input, 256))))
              .get("score")
              .toFloatArray();
      assertThat(one).hasSize(1);
      assertThat((double) one[0]).isCloseTo(expected[0], relative(expected[0]));
    }
    assertThat(actual).hasSize(2 * N);
    for (int i = 0; i < 2 * N; i++) {
      assertThat((double) actual[i])
          .as("window %d", i)
          .isCloseTo(expected[i], relative(expected[i]));
    }
  }

  @Test
  void faultyWindowsScoreFarAboveHealthyOnes() {
    double[] h = Arrays.stream(healthy).mapToDouble(model::score).sorted().toArray();
    double[] f = Arrays.stream(faulty).mapToDouble(model::score).sorted().toArray();
    double healthyP99 = h[(int) Math.ceil(0.99 * N) - 1];
    double healthyMean = Arrays.stream(h).average().orElseThrow();
    double faultyMin = f[0];
    System.out.printf(
        "vibration anomaly score: healthy mean %.3f p99 %.3f max %.3f; faulty min %.3f mean %.3f%n",
        healthyMean, healthyP99, h[N - 1], faultyMin, Arrays.stream(f).average().orElseThrow());

    // Fitted on healthy data, a healthy window's mean squared z-score is about 1.
    assertThat(healthyMean).isBetween(0.8, 1.3);
    assertThat(faultyMin).isGreaterThan(healthyP99);
    // Measured: healthy mean 1.04, p99 2.03, max 2.40; faulty min 3.10, mean 4.13.
    assertThat(faultyMin).isGreaterThan(h[N - 1]);
    assertThat(Arrays.stream(f).average().orElseThrow()).isGreaterThan(3 * healthyMean);
  }

  @Test
  void graphIsTheDocumentedOne() throws Exception {
    ModelProto proto = ModelProto.parseFrom(model.toOnnx());
    assertThat(proto.getIrVersion()).isEqualTo(8);
    assertThat(proto.getOpsetImport(0).getVersion()).isEqualTo(13);
    assertThat(proto.getGraph().getNodeList())
        .extracting(n -> n.getOpType())
        .containsExactly(
            "MatMul",
            "MatMul",
            "Mul",
            "Mul",
            "Add",
            "Sqrt",
            "Add",
            "Log",
            "Sub",
            "Div",
            "Mul",
            "ReduceMean");
    assertThat(
            proto
                .getGraph()
                .getInput(0)
                .getType()
                .getTensorType()
                .getShape()
                .getDim(0)
                .getDimParam())
        .isEqualTo("N");
    assertThat(model.bins()).isEqualTo(129);
  }

  @Test
  void fitMainWritesTheModelQuickly(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("m/vibration.onnx");
    long start = System.nanoTime();
    FitVibrationModel.main(new String[] {out.toString()});
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println("FitVibrationModel took " + ms + " ms");
    assertThat(Files.readAllBytes(out)).isEqualTo(model.toOnnx());
  }

  private static org.assertj.core.data.Offset<Double> relative(double expected) {
    return org.assertj.core.api.Assertions.within(1e-3 * Math.abs(expected) + 1e-6);
  }
}
