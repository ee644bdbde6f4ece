package io.isthmus.inference;

import static io.isthmus.inference.testing.TestTensors.maxAbsDiff;
import static io.isthmus.inference.testing.TestTensors.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.inference.testing.TestModels;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same network exported for both engines must give the same numbers: a check on both backends'
 * tensor conversion (layout, byte order, output order) that neither backend can pass alone.
 */
class CrossEngineAgreementTest {

  /**
   * BlazeFace front 128 (ONNX, Barracuda export) and face_detection_short_range (TFLite) hold the
   * same weights. ONNX splits the 896 anchors by grid (512 of the 16x16 grid, then 384 of the 8x8
   * grid) into scores [1,512,1],[1,384,1] and boxes [1,512,16],[1,384,16]; TFLite gives boxes
   * [1,896,16] then scores [1,896,1]. Concatenated in that order they agree: measured max abs
   * difference 5.2e-5 on scores (logits up to ~40) and 6.1e-5 on boxes (up to ~60) over these
   * inputs (ORT 1.23.2 CPU vs TFLite 2.6.2 XNNPACK, x86-64), so 5e-4 leaves room for other CPUs'
   * kernels while catching any reordering, which gives differences of 1 and more.
   */
  @Test
  void blazeFaceOnnxAndTfLiteAgreeAfterConcatenatingTheAnchorGrids() throws Exception {
    try (InferenceEngine onnx = Engines.onnxRuntime();
        InferenceEngine tflite = Engines.tflite();
        LoadedModel front = onnx.load(TestModels.require("blazeface-front-128"));
        LoadedModel shortRange = tflite.load(TestModels.require("blazeface-short-range-tflite"))) {
      float worstScores = 0;
      float worstBoxes = 0;
      for (long seed = 1; seed <= 3; seed++) {
        Tensor image = uniform(new long[] {1, 128, 128, 3}, seed, -1, 1);
        Outputs a = front.run(Map.of("input:0", image));
        Outputs b = shortRange.run(Map.of("input", image));

        float[] scores = concat(a.get(0).toFloatArray(), a.get(1).toFloatArray());
        float[] boxes = concat(a.get(2).toFloatArray(), a.get(3).toFloatArray());
        float[] tfScores = b.get("classificators").toFloatArray();
        float[] tfBoxes = b.get("regressors").toFloatArray();

        assertThat(scores).hasSize(896);
        assertThat(boxes).hasSize(896 * 16);
        worstScores = Math.max(worstScores, maxAbsDiff(scores, tfScores));
        worstBoxes = Math.max(worstBoxes, maxAbsDiff(boxes, tfBoxes));
        // not trivially equal because both are constant
        assertThat(maxAbsDiff(tfScores, new float[896])).isGreaterThan(1f);
      }
      System.out.printf(
          "blazeface max abs diff: scores %.3g, boxes %.3g%n", worstScores, worstBoxes);
      assertThat(worstScores).isLessThan(5e-4f);
      assertThat(worstBoxes).isLessThan(5e-4f);
    }
  }

  /**
   * openWakeWord's speech embedding as ONNX and as TFLite: same input, same 96 values. Measured max
   * abs difference 3.4e-5 over these inputs, with values up to 44.6; the bound is 1e-3.
   */
  @Test
  void owwEmbeddingOnnxAndTfLiteAgree() throws Exception {
    try (InferenceEngine onnx = Engines.onnxRuntime();
        InferenceEngine tflite = Engines.tflite();
        LoadedModel a = onnx.load(TestModels.require("oww-embedding"));
        LoadedModel b = tflite.load(TestModels.require("oww-embedding-tflite"))) {
      float worst = 0;
      float largest = 0;
      for (long seed = 1; seed <= 3; seed++) {
        Tensor mel = uniform(new long[] {1, 76, 32, 1}, seed, -2, 2);
        float[] ea = a.run(Map.of(a.signature().inputNames().get(0), mel)).get(0).toFloatArray();
        float[] eb = b.run(Map.of(b.signature().inputNames().get(0), mel)).get(0).toFloatArray();

        assertThat(ea).hasSize(96);
        assertThat(eb).hasSize(96);
        worst = Math.max(worst, maxAbsDiff(ea, eb));
        largest = Math.max(largest, maxAbsDiff(ea, new float[96]));
      }
      System.out.printf("oww-embedding max abs diff %.3g, largest value %.3g%n", worst, largest);
      assertThat(largest).isGreaterThan(0.1f);
      assertThat(worst).isLessThan(1e-3f);
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = new float[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
