package io.isthmus.inference.onnx;

import static io.isthmus.inference.testing.TestTensors.maxAbsDiff;
import static io.isthmus.inference.testing.TestTensors.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.isthmus.inference.DataType;
import io.isthmus.inference.EngineAvailability;
import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.InferenceEngine;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.TensorSpec;
import io.isthmus.inference.testing.TestModels;
import io.isthmus.inference.testing.TestTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxRuntimeEngineTest {
  private final InferenceEngine engine = OnnxRuntimeEngine.create();

  @Test
  void reportsVersionAndCpuProvider() {
    EngineAvailability a = engine.availability();

    assertThat(a.available()).isTrue();
    assertThat(a.version()).isEqualTo("1.23.2");
    assertThat(a.providers()).contains(ExecutionProvider.CPU);
    if (!a.providers().contains(ExecutionProvider.CUDA)) {
      assertThat(a.missingProviders()).containsKey(ExecutionProvider.CUDA);
      assertThat(a.missingProviders().get(ExecutionProvider.TENSOR_RT)).contains("TensorRT");
    }
  }

  @Test
  void ppOcrClassifierGivesASoftmaxPerImageAndBatchesLikeSingleRuns() throws Exception {
    try (LoadedModel model = engine.load(TestModels.require("pp-ocr-cls"))) {
      assertThat(model.signature().inputs())
          .containsExactly(new TensorSpec("x", DataType.FLOAT32, new long[] {-1, 3, -1, -1}));
      Tensor first = uniform(new long[] {1, 3, 48, 192}, 1, -1, 1);
      Tensor second = uniform(new long[] {1, 3, 48, 192}, 2, -1, 1);
      float[] both = new float[2 * 3 * 48 * 192];
      System.arraycopy(first.toFloatArray(), 0, both, 0, 3 * 48 * 192);
      System.arraycopy(second.toFloatArray(), 0, both, 3 * 48 * 192, 3 * 48 * 192);

      float[] p1 = only(model.run(Map.of("x", first))).toFloatArray();
      float[] p2 = only(model.run(Map.of("x", second))).toFloatArray();
      Tensor batch =
          only(model.run(Map.of("x", Tensor.ofFloats(new long[] {2, 3, 48, 192}, both))));

      assertThat(batch.shape()).containsExactly(2, 2);
      assertThat(p1[0] + p1[1]).isCloseTo(1f, within(1e-5f));
      assertThat(p2[0] + p2[1]).isCloseTo(1f, within(1e-5f));
      assertThat(p1[0]).isBetween(0f, 1f);
      assertThat(p1).isNotEqualTo(p2);
      // a batch of two must give what two single runs give (an independent path through ORT)
      float[] singles = {p1[0], p1[1], p2[0], p2[1]};
      assertThat(maxAbsDiff(batch.toFloatArray(), singles)).isLessThan(1e-5f);
    }
  }

  @Test
  void sileroVadTakesAnInt64ScalarAndReturnsAStateAndLowProbabilityForSilence() throws Exception {
    try (LoadedModel model = engine.load(TestModels.require("silero-vad-v5"))) {
      Tensor state = Tensor.ofFloats(new long[] {2, 1, 128}, new float[256]);
      Tensor rate = Tensor.ofLongs(new long[] {}, 16000L);
      Outputs silence =
          model.run(
              Map.of(
                  "input", Tensor.ofFloats(new long[] {1, 512}, new float[512]),
                  "state", state,
                  "sr", rate));

      assertThat(silence.names()).containsExactly("output", "stateN");
      assertThat(silence.get("output").shape()).containsExactly(1, 1);
      assertThat(silence.get("stateN").shape()).containsExactly(2, 1, 128);
      assertThat(silence.get("output").toFloatArray()[0]).isBetween(0f, 0.05f);
      // the state carries over: feeding it back changes nothing for silence but is accepted
      Outputs next =
          model.run(
              Map.of(
                  "input", Tensor.ofFloats(new long[] {1, 512}, new float[512]),
                  "state", silence.get("stateN"),
                  "sr", rate));
      assertThat(next.get("output").toFloatArray()[0]).isBetween(0f, 0.05f);
    }
  }

  @Test
  void blazeFaceFront128HasFourOutputsSplitByAnchorGrid() throws Exception {
    try (LoadedModel model = engine.load(TestModels.require("blazeface-front-128"))) {
      Outputs out = model.run(Map.of("input:0", uniform(new long[] {1, 128, 128, 3}, 3, -1, 1)));

      assertThat(out.names()).hasSize(4);
      assertThat(out.get(0).shape()).containsExactly(1, 512, 1);
      assertThat(out.get(1).shape()).containsExactly(1, 384, 1);
      assertThat(out.get(2).shape()).containsExactly(1, 512, 16);
      assertThat(out.get(3).shape()).containsExactly(1, 384, 16);
      assertThat(out.get(2).toFloatArray()).doesNotContain(Float.NaN);
    }
  }

  @Test
  void owwEmbeddingHasADynamicBatch() throws Exception {
    try (LoadedModel model = engine.load(TestModels.require("oww-embedding"))) {
      String input = model.signature().inputNames().get(0);
      assertThat(model.signature().inputs().get(0).shape()).containsExactly(-1, 76, 32, 1);
      Tensor a = uniform(new long[] {1, 76, 32, 1}, 4, -2, 2);
      Tensor b = uniform(new long[] {1, 76, 32, 1}, 5, -2, 2);
      float[] both = new float[2 * 76 * 32];
      System.arraycopy(a.toFloatArray(), 0, both, 0, 76 * 32);
      System.arraycopy(b.toFloatArray(), 0, both, 76 * 32, 76 * 32);

      Tensor ea = only(model.run(Map.of(input, a)));
      Tensor eb = only(model.run(Map.of(input, b)));
      Tensor batch =
          only(model.run(Map.of(input, Tensor.ofFloats(new long[] {2, 76, 32, 1}, both))));

      assertThat(ea.shape()).containsExactly(1, 1, 1, 96);
      assertThat(batch.shape()).containsExactly(2, 1, 1, 96);
      float[] singles = new float[192];
      System.arraycopy(ea.toFloatArray(), 0, singles, 0, 96);
      System.arraycopy(eb.toFloatArray(), 0, singles, 96, 96);
      assertThat(maxAbsDiff(batch.toFloatArray(), singles)).isLessThan(1e-4f);
    }
  }

  @Test
  void loadsFromBytesLikeFromAFile() throws Exception {
    Tensor x = uniform(new long[] {1, 3, 48, 192}, 6, -1, 1);
    try (LoadedModel fromFile = engine.load(TestModels.require("pp-ocr-cls"));
        LoadedModel fromBytes =
            engine.load(TestModels.bytes("pp-ocr-cls"), ModelOptions.defaults())) {
      assertThat(fromBytes.run(Map.of("x", x)).get(0))
          .isEqualTo(fromFile.run(Map.of("x", x)).get(0));
    }
  }

  @Test
  void rejectsBadInputsBeforeNativeCode() throws Exception {
    try (LoadedModel model = engine.load(TestModels.require("pp-ocr-cls"))) {
      Tensor good = uniform(new long[] {1, 3, 48, 192}, 7, -1, 1);

      assertInvalidInput(
          () -> model.run(Map.of("image", good)),
          "INVALID_INPUT: Unknown input name image, expected one of [x]");
      assertInvalidInput(
          () -> model.run(Map.of("x", uniform(new long[] {1, 4, 48, 192}, 7, -1, 1))),
          "INVALID_INPUT: Input x has shape [1, 4, 48, 192], expected [-1, 3, -1, -1] (-1 is any"
              + " size)");
      assertInvalidInput(
          () -> model.run(Map.of("x", Tensor.ofLongs(new long[] {1, 3, 48, 192}, new long[27648]))),
          "INVALID_INPUT: Input x has data type INT64, expected FLOAT32");
      assertInvalidInput(
          () -> model.run(Map.of()), "INVALID_INPUT: Missing input x, expected all of [x]");
    }
  }

  @Test
  void truncatedAndNonModelFilesAreModelInvalid(@TempDir Path dir) throws Exception {
    byte[] real = TestModels.bytes("pp-ocr-cls");
    for (int length : new int[] {10, 1000, real.length / 2, real.length - 10}) {
      assertThatThrownBy(() -> engine.load(Arrays.copyOf(real, length), ModelOptions.defaults()))
          .isInstanceOf(InferenceException.class)
          .hasMessageContaining("protobuf parsing failed")
          .extracting(e -> ((InferenceException) e).code())
          .isEqualTo(InferenceException.Code.MODEL_INVALID);
    }
    Path text = Files.writeString(dir.resolve("notes.onnx"), "not a model, just some text\n");
    assertThatThrownBy(() -> engine.load(text))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining(text.toString())
        .extracting(e -> ((InferenceException) e).code())
        .isEqualTo(InferenceException.Code.MODEL_INVALID);
    assertThatThrownBy(() -> engine.load(dir.resolve("absent.onnx")))
        .hasMessageContaining("No model file at");
    assertThatThrownBy(
            () -> engine.load(TestModels.bytes("oww-embedding-tflite"), ModelOptions.defaults()))
        .extracting(e -> ((InferenceException) e).code())
        .isEqualTo(InferenceException.Code.MODEL_INVALID);
  }

  @Test
  void missingProviderFallsBackToCpuOrFailsAsConfigured() throws Exception {
    Path model = TestModels.require("blazeface-front-128");
    ModelOptions cuda = ModelOptions.builder().provider(ExecutionProvider.CUDA).build();
    org.junit.jupiter.api.Assumptions.assumeFalse(
        engine.availability().providers().contains(ExecutionProvider.CUDA), "CUDA is present");

    try (LoadedModel m = engine.load(model, cuda)) {
      assertThat(m.provider()).isEqualTo(ExecutionProvider.CPU);
    }
    assertThatThrownBy(() -> engine.load(model, cuda.toBuilder().fallbackToCpu(false).build()))
        .isInstanceOf(InferenceException.class)
        .hasMessageStartingWith("PROVIDER_UNAVAILABLE: Execution provider CUDA is unavailable")
        .extracting(e -> ((InferenceException) e).code())
        .isEqualTo(InferenceException.Code.PROVIDER_UNAVAILABLE);
  }

  @Test
  void providersAreTriedInOrderAndTheFirstUsableOneWins() throws Exception {
    Path model = TestModels.require("blazeface-front-128");
    EngineAvailability here = engine.availability();
    org.junit.jupiter.api.Assumptions.assumeFalse(
        here.providers().contains(ExecutionProvider.CUDA), "CUDA is present");
    ExecutionProvider xnnpackOrCpu =
        here.providers().contains(ExecutionProvider.XNNPACK)
            ? ExecutionProvider.XNNPACK
            : ExecutionProvider.CPU;
    ModelOptions preference =
        ModelOptions.builder()
            .providers(
                List.of(ExecutionProvider.CUDA, ExecutionProvider.XNNPACK, ExecutionProvider.CPU))
            .fallbackToCpu(false)
            .build();

    try (LoadedModel m = engine.load(model, preference)) {
      assertThat(m.provider()).isEqualTo(xnnpackOrCpu);
    }
    ModelOptions gpuOnly =
        preference.toBuilder()
            .providers(List.of(ExecutionProvider.CUDA, ExecutionProvider.TENSOR_RT))
            .build();
    assertThatThrownBy(() -> engine.load(model, gpuOnly))
        .isInstanceOf(InferenceException.class)
        .hasMessageStartingWith(
            "PROVIDER_UNAVAILABLE: None of the execution providers [CUDA, TENSOR_RT] is available:"
                + " {CUDA=this ONNX Runtime build has no CUDA provider");
    try (LoadedModel m = engine.load(model, gpuOnly.toBuilder().fallbackToCpu(true).build())) {
      assertThat(m.provider()).isEqualTo(ExecutionProvider.CPU);
    }
  }

  @Test
  void everyCallAfterCloseThrowsIllegalState() throws Exception {
    LoadedModel model = engine.load(TestModels.require("pp-ocr-cls"));
    model.close();
    model.close(); // idempotent

    assertThatThrownBy(model::signature).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(model::provider).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> model.run(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Model is closed");
  }

  @Test
  void eightThreadsGetBitIdenticalOutputsToASequentialRun() throws Exception {
    ModelOptions options = ModelOptions.builder().intraOpThreads(1).build();
    try (LoadedModel model = engine.load(TestModels.require("blazeface-front-128"), options)) {
      List<Map<String, Tensor>> inputs = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        inputs.add(Map.of("input:0", uniform(new long[] {1, 128, 128, 3}, 100 + i, -1, 1)));
      }
      List<Outputs> sequential = new java.util.ArrayList<>();
      for (Map<String, Tensor> in : inputs) {
        sequential.add(model.run(in));
      }

      List<List<Outputs>> concurrent = TestTensors.runConcurrently(model, inputs, 8, 2);

      for (List<Outputs> perThread : concurrent) {
        for (int i = 0; i < perThread.size(); i++) {
          assertThat(perThread.get(i).asMap()).isEqualTo(sequential.get(i % inputs.size()).asMap());
        }
      }
    }
  }

  private static Tensor only(Outputs outputs) {
    assertThat(outputs.size()).isEqualTo(1);
    return outputs.get(0);
  }

  private static void assertInvalidInput(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(InferenceException.class)
        .hasMessage(message)
        .extracting(e -> ((InferenceException) e).code())
        .isEqualTo(InferenceException.Code.INVALID_INPUT);
  }
}
