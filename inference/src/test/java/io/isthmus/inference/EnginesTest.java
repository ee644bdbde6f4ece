package io.isthmus.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.isthmus.inference.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnginesTest {

  @Test
  void picksTheEngineByExtension() throws Exception {
    assertThat(Engines.forFile(Path.of("a/model.onnx")).name()).isEqualTo("onnxruntime");
    assertThat(Engines.forFile(Path.of("a/model.TFLITE")).name()).isEqualTo("tflite");
  }

  @Test
  void picksTheEngineByContentWhenTheNameSaysNothing(@TempDir Path dir) throws Exception {
    Path tflite = Files.copy(TestModels.require("oww-embedding-tflite"), dir.resolve("m1.bin"));
    Path onnx = Files.copy(TestModels.require("oww-embedding"), dir.resolve("m2.bin"));
    Path text = Files.writeString(dir.resolve("m3.bin"), "hello");

    assertThat(Engines.forFile(tflite).name()).isEqualTo("tflite");
    assertThat(Engines.forFile(onnx).name()).isEqualTo("onnxruntime");
    assertThatThrownBy(() -> Engines.forFile(text))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("Cannot tell the format of " + text)
        .extracting(e -> ((InferenceException) e).code())
        .isEqualTo(InferenceException.Code.MODEL_INVALID);
    // the chosen engine loads the file
    try (LoadedModel model = Engines.forFile(tflite).load(tflite)) {
      assertThat(model.signature().outputs()).hasSize(1);
    }
  }

  /** The snippet of inference/README.md, kept compiling and true here. */
  @Test
  void readmeSnippetRuns() throws Exception {
    Path ppOcr = TestModels.require("pp-ocr-cls");
    try (InferenceEngine engine = Engines.onnxRuntime();
        LoadedModel model = engine.load(ppOcr, ModelOptions.builder().intraOpThreads(2).build())) {
      Tensor image = Tensor.ofFloats(new long[] {1, 3, 48, 192}, new float[3 * 48 * 192]);
      Outputs out = model.run(Map.of("x", image));
      float[] probabilities = out.get(0).toFloatArray(); // [0-degree, 180-degree], sums to 1
      assertThat(probabilities[0] + probabilities[1]).isCloseTo(1f, within(1e-5f));
    }
  }

  @Test
  void probeListsBothEnginesInOrder() {
    assertThat(Engines.probe())
        .extracting(EngineAvailability::engine)
        .containsExactly("onnxruntime", "tflite");
  }
}
