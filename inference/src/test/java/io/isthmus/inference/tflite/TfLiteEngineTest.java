package io.isthmus.inference.tflite;

import static io.isthmus.inference.testing.TestTensors.maxAbsDiff;
import static io.isthmus.inference.testing.TestTensors.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.inference.DataType;
import io.isthmus.inference.EngineAvailability;
import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.InferenceException.Code;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.TensorSpec;
import io.isthmus.inference.testing.TestModels;
import io.isthmus.inference.testing.TestTensors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfLiteEngineTest {
  private final TfLiteEngine engine = TfLiteEngine.create();

  @Test
  void isAvailableHereWithXnnpack() {
    EngineAvailability a = engine.availability();

    assertThat(a.available()).as(a.reason()).isTrue();
    assertThat(a.version()).isEqualTo("2.6.2");
    assertThat(a.providers()).contains(ExecutionProvider.CPU, ExecutionProvider.XNNPACK);
  }

  @Test
  void blazeFaceShortRangeDetectsWithTwoOutputs() throws Exception {
    try (LoadedModel model = engine.load(TestModels.require("blazeface-short-range-tflite"))) {
      assertThat(model.provider()).isEqualTo(ExecutionProvider.XNNPACK);
      assertThat(model.signature().inputs())
          .containsExactly(new TensorSpec("input", DataType.FLOAT32, new long[] {1, 128, 128, 3}));
      Outputs out = model.run(Map.of("input", uniform(new long[] {1, 128, 128, 3}, 3, -1, 1)));

      assertThat(out.names()).containsExactly("regressors", "classificators");
      assertThat(out.get("regressors").shape()).containsExactly(1, 896, 16);
      assertThat(out.get("classificators").shape()).containsExactly(1, 896, 1);
      // the same input twice gives the same bits; a different input, different scores
      assertThat(model.run(Map.of("input", uniform(new long[] {1, 128, 128, 3}, 3, -1, 1))).asMap())
          .isEqualTo(out.asMap());
      assertThat(
              model
                  .run(Map.of("input", uniform(new long[] {1, 128, 128, 3}, 4, -1, 1)))
                  .get("classificators"))
          .isNotEqualTo(out.get("classificators"));
    }
  }

  @Test
  void owwEmbeddingResizesItsDynamicBatch() throws Exception {
    try (LoadedModel model = engine.load(TestModels.require("oww-embedding-tflite"))) {
      String input = model.signature().inputNames().get(0);
      assertThat(model.signature().inputs().get(0).shape()).containsExactly(-1, 76, 32, 1);
      Tensor a = uniform(new long[] {1, 76, 32, 1}, 4, -2, 2);
      Tensor b = uniform(new long[] {1, 76, 32, 1}, 5, -2, 2);
      float[] both = new float[2 * 76 * 32];
      System.arraycopy(a.toFloatArray(), 0, both, 0, 76 * 32);
      System.arraycopy(b.toFloatArray(), 0, both, 76 * 32, 76 * 32);

      float[] ea = model.run(Map.of(input, a)).get(0).toFloatArray();
      Tensor batch =
          model.run(Map.of(input, Tensor.ofFloats(new long[] {2, 76, 32, 1}, both))).get(0);
      float[] eb = model.run(Map.of(input, b)).get(0).toFloatArray(); // back to batch 1

      assertThat(ea).hasSize(96);
      assertThat(batch.shape()).containsExactly(2, 1, 1, 96);
      float[] singles = Arrays.copyOf(ea, 192);
      System.arraycopy(eb, 0, singles, 96, 96);
      assertThat(maxAbsDiff(batch.toFloatArray(), singles)).isLessThan(1e-4f);
    }
  }

  @Test
  void rejectsBadInputsBeforeNativeCode() throws Exception {
    try (LoadedModel model = engine.load(TestModels.require("blazeface-short-range-tflite"))) {
      Tensor good = uniform(new long[] {1, 128, 128, 3}, 1, -1, 1);
      assertCode(
          () -> model.run(Map.of("image", good)),
          Code.INVALID_INPUT,
          "INVALID_INPUT: Unknown input name image, expected one of [input]");
      assertCode(
          () -> model.run(Map.of("input", uniform(new long[] {1, 256, 256, 3}, 1, -1, 1))),
          Code.INVALID_INPUT,
          "INVALID_INPUT: Input input has shape [1, 256, 256, 3], expected [1, 128, 128, 3] (-1 is"
              + " any size)");
      assertCode(
          () ->
              model.run(
                  Map.of("input", Tensor.ofInts(new long[] {1, 128, 128, 3}, new int[49152]))),
          Code.INVALID_INPUT,
          "INVALID_INPUT: Input input has data type INT32, expected FLOAT32");
    }
  }

  @Test
  void truncatedModelsAndOtherFilesAreModelInvalidNotACrash(@TempDir Path dir) throws Exception {
    byte[] real = TestModels.bytes("blazeface-short-range-tflite");
    for (int length : new int[] {0, 7, 100, 5000, real.length / 2, real.length - 16}) {
      assertThatThrownBy(() -> engine.load(Arrays.copyOf(real, length), ModelOptions.defaults()))
          .as("first %d bytes", length)
          .isInstanceOf(InferenceException.class)
          .extracting(e -> ((InferenceException) e).code())
          .isEqualTo(Code.MODEL_INVALID);
    }
    assertCode(
        () -> engine.load(Arrays.copyOf(real, real.length / 2), ModelOptions.defaults()),
        Code.MODEL_INVALID,
        "MODEL_INVALID: TFLite could not load the model from bytes: ByteBuffer is not a valid"
            + " flatbuffer model");
    Path text = Files.writeString(dir.resolve("notes.tflite"), "not a model, just text\n");
    assertCode(
        () -> engine.load(text),
        Code.MODEL_INVALID,
        "MODEL_INVALID: Not a TFLite model: "
            + text
            + " lacks the flatbuffer identifier TFL3 at byte 4");
    assertCode(
        () -> engine.load(TestModels.bytes("pp-ocr-cls"), ModelOptions.defaults()),
        Code.MODEL_INVALID,
        "MODEL_INVALID: Not a TFLite model: bytes lacks the flatbuffer identifier TFL3 at byte 4");
    // right identifier, garbage after it: the native verifier must refuse it
    byte[] garbage = new byte[4096];
    new java.util.Random(1).nextBytes(garbage);
    garbage[0] = 16;
    garbage[1] = garbage[2] = garbage[3] = 0;
    System.arraycopy("TFL3".getBytes(StandardCharsets.US_ASCII), 0, garbage, 4, 4);
    assertCode(
        () -> engine.load(garbage, ModelOptions.defaults()),
        Code.MODEL_INVALID,
        "MODEL_INVALID: TFLite could not load the model from bytes: ByteBuffer is not a valid"
            + " flatbuffer model");
  }

  @Test
  void aModelNeedingACustomOperatorIsUnsupportedOperator() throws Exception {
    byte[] mediaPipeLike =
        CustomOpModel.withCustomOperator(
            TestModels.bytes("blazeface-short-range-tflite"), "Convolution2DTransposeBias");
    byte[] edgeTpuLike =
        CustomOpModel.withCustomOperator(
            TestModels.bytes("oww-embedding-tflite"), "edgetpu-custom-op");

    assertThatThrownBy(() -> engine.load(mediaPipeLike, ModelOptions.defaults()))
        .isInstanceOf(InferenceException.class)
        .hasMessageStartingWith(
            "UNSUPPORTED_OPERATOR: TFLite model from bytes needs custom operator"
                + " Convolution2DTransposeBias, which TFLite's built-in operators lack")
        .extracting(e -> ((InferenceException) e).code())
        .isEqualTo(Code.UNSUPPORTED_OPERATOR);
    assertThatThrownBy(() -> engine.load(edgeTpuLike, ModelOptions.defaults()))
        .hasMessageContaining("needs custom operator edgetpu-custom-op,");
  }

  @Test
  void onAPlatformWithoutATfLiteBuildLoadingSaysSoAndPointsToOnnx() throws Exception {
    TfLiteEngine onPi = TfLiteEngine.forPlatform("linux", "aarch64");
    Path model = TestModels.require("blazeface-short-range-tflite");

    assertCode(
        () -> onPi.load(model),
        Code.UNSUPPORTED_PLATFORM,
        "UNSUPPORTED_PLATFORM: TFLite has no native build for linux-aarch64:"
            + " ai.djl.tflite:tflite-native-cpu:2.6.2 exists for linux-x86_64 only. Use the ONNX"
            + " Runtime engine (Engines.onnxRuntime()), whose jar carries linux-aarch64 and"
            + " linux-x64 libraries, with the model converted to ONNX");
    EngineAvailability a = onPi.availability();
    assertThat(a.available()).isFalse();
    assertThat(a.reason()).contains("linux-aarch64", "ONNX Runtime");
    assertThat(TfLiteEngine.forPlatform("mac os x", "aarch64").availability().reason())
        .contains("mac os x-aarch64");
  }

  @Test
  void aGpuProviderFallsBackOrFailsAsConfigured() throws Exception {
    Path path = TestModels.require("blazeface-short-range-tflite");
    ModelOptions cuda = ModelOptions.builder().provider(ExecutionProvider.CUDA).build();
    try (LoadedModel model = engine.load(path, cuda)) {
      assertThat(model.provider()).isEqualTo(ExecutionProvider.XNNPACK);
    }
    assertCode(
        () -> engine.load(path, cuda.toBuilder().fallbackToCpu(false).build()),
        Code.PROVIDER_UNAVAILABLE,
        "PROVIDER_UNAVAILABLE: Execution provider CUDA is unavailable in TFLite; available are"
            + " [CPU, XNNPACK]");
  }

  @Test
  void gpuProvidersBeforeCpuAreSkippedAndOnlyGpuFailsWhenFallbackIsOff() throws Exception {
    Path path = TestModels.require("oww-embedding-tflite");
    ModelOptions preference =
        ModelOptions.builder()
            .providers(List.of(ExecutionProvider.CUDA, ExecutionProvider.XNNPACK))
            .fallbackToCpu(false)
            .build();
    try (LoadedModel model = engine.load(path, preference)) {
      assertThat(model.provider()).isEqualTo(ExecutionProvider.XNNPACK);
    }
    assertCode(
        () ->
            engine.load(
                path,
                preference.toBuilder()
                    .providers(List.of(ExecutionProvider.CUDA, ExecutionProvider.TFLITE_DELEGATE))
                    .build()),
        Code.PROVIDER_UNAVAILABLE,
        "PROVIDER_UNAVAILABLE: None of the execution providers [CUDA, TFLITE_DELEGATE] is"
            + " available in TFLite; available are [CPU, XNNPACK]");
  }

  @Test
  void everyCallAfterCloseThrowsIllegalState() throws Exception {
    LoadedModel model = engine.load(TestModels.require("oww-embedding-tflite"));
    model.close();
    model.close();

    assertThatThrownBy(model::signature).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> model.run(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Model is closed");
  }

  @Test
  void eightThreadsOnAPoolOfInterpretersGetBitIdenticalOutputsToASequentialRun() throws Exception {
    // 2 interpreters of 1 thread each serve 8 caller threads
    ModelOptions options = ModelOptions.builder().intraOpThreads(1).interOpThreads(2).build();
    try (LoadedModel model =
        engine.load(TestModels.require("blazeface-short-range-tflite"), options)) {
      List<Map<String, Tensor>> inputs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        inputs.add(Map.of("input", uniform(new long[] {1, 128, 128, 3}, 200 + i, -1, 1)));
      }
      List<Outputs> sequential = new ArrayList<>();
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

  private static void assertCode(ThrowingCallable call, Code code, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(InferenceException.class)
        .hasMessage(message)
        .extracting(e -> ((InferenceException) e).code())
        .isEqualTo(code);
  }
}
