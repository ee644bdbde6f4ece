package io.isthmus.partitioner.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.isthmus.inference.testing.TestModels;
import io.isthmus.partitioner.graph.OnnxModelFile;
import io.isthmus.partitioner.quantize.QuantizeOptions.Mode;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.TensorData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Quantizes real float models and checks that the result loads in ONNX Runtime, holds the expected
 * quantization nodes, and agrees with the float model on inputs like those the models were trained
 * for. The inputs are written under {@code target/quantize-inputs/} for the command line
 * (docs/quantization.md).
 */
class RealModelQuantizeTest {
  private static final QuantizationReport.Settings SETTINGS =
      new QuantizationReport.Settings(1, 3, 10, false, 0);
  private static final Path INPUTS = Path.of("target", "quantize-inputs");
  private static final Path TMP = Path.of("target");

  @Test
  void ppOcrClassifierKeepsItsTopOneAnswerOnTextLines() throws Exception {
    ModelProto model = OnnxModelFile.read(TestModels.require("pp-ocr-cls"));
    List<Map<String, TensorData>> calibration = RenderedInputs.textLines(48, 1);
    List<Map<String, TensorData>> heldOut = RenderedInputs.textLines(52, 1000);
    RenderedInputs.writeNpy(calibration, INPUTS.resolve("pp-ocr-cls"));
    RenderedInputs.writeNpy(heldOut, INPUTS.resolve("pp-ocr-cls-held-out"));
    // the float model itself tells upright from turned text on these images
    assertThat(classes(model, heldOut))
        .as("float model classes on held-out lines")
        .hasSizeGreaterThan(1);

    for (Mode mode : Mode.values()) {
      // min-max ranges let a few outlier activations cost 6% top-1 agreement here; percentiles clip
      // them
      QuantizeOptions options =
          new QuantizeOptions(
              mode,
              true,
              false,
              QuantizeOptions.CalibrationMethod.PERCENTILE,
              QuantizeOptions.DEFAULT_PERCENTILE,
              QuantizeOptions.DynamicForm.INTEGER,
              Set.of());
      Quantizer quantizer = Quantizer.prepare(model, options, calibration);
      ModelProto quantized = quantizer.quantize();
      QuantizationReport report =
          QuantizationReport.measure(
              model, quantized, quantizer, calibration, heldOut, Agreement.TOP1, SETTINGS);
      System.out.printf("pp-ocr-cls %s:%n%s", mode, report.text(0));
      assertThat(report.heldOutAgreement())
          .as("%s top-1 agreement, held out", mode)
          .isGreaterThanOrEqualTo(0.99);
      assertThat(report.calibrationAgreement())
          .as("%s top-1 agreement, calibration", mode)
          .isGreaterThanOrEqualTo(0.99);
      assertThat(report.quantizedBytes()).isLessThan(report.floatBytes() / 2);
      Map<String, Integer> ops = opCounts(quantized);
      // 53 Conv weights as int8 behind DequantizeLinear; static mode also quantizes activations
      assertThat(ops.get("DequantizeLinear")).isGreaterThanOrEqualTo(53);
      assertThat(ops.getOrDefault("QuantizeLinear", 0) > 0).isEqualTo(mode == Mode.STATIC);
      assertThat(ops).doesNotContainKey("BatchNormalization"); // folded into the Convs
      if (mode == Mode.STATIC) {
        // hard-swish (Add, Clip, Mul, Div by 6), the squeeze-excitation gates (HardSigmoid, Mul)
        // and the residual Adds all run on integer kernels; only the classifier's bias Add, which
        // goes on to the float Softmax, stays float, and only the input and the Softmax convert
        OrtOptimizedGraph optimized = OrtOptimizedGraph.of(quantized, TMP);
        assertThat(optimized.ops())
            .containsEntry("QLinearConv", 53)
            .containsEntry("QLinearAdd", 25)
            .containsEntry("QLinearMul", 45)
            .containsEntry("Add", 1)
            .doesNotContainKeys("Mul", "Div", "Clip", "HardSigmoid", "Relu");
        assertThat(optimized.activationConversions()).isLessThanOrEqualTo(4);
      }
    }
  }

  @Test
  void blazeFaceBoxesStayInPlaceOnDrawnFaces() throws Exception {
    ModelProto model = OnnxModelFile.read(TestModels.require("blazeface-front-128"));
    List<Map<String, TensorData>> calibration = RenderedInputs.faces(32, 1, 128, "input:0");
    List<Map<String, TensorData>> heldOut = RenderedInputs.faces(16, 1000, 128, "input:0");
    RenderedInputs.writeNpy(calibration, INPUTS.resolve("blazeface-front-128"));
    RenderedInputs.writeNpy(heldOut, INPUTS.resolve("blazeface-front-128-held-out"));
    // for the back camera model (256 x 256) of docs/quantization.md
    RenderedInputs.writeNpy(
        RenderedInputs.faces(40, 1, 256, "input:0"), INPUTS.resolve("blazeface-back-256"));
    QuantizeOptions options = QuantizeOptions.defaults().withMode(Mode.STATIC).withPerChannel(true);
    Quantizer quantizer = Quantizer.prepare(model, options, calibration);
    ModelProto quantized = quantizer.quantize();
    QuantizationReport report =
        QuantizationReport.measure(
            model, quantized, quantizer, calibration, heldOut, Agreement.BOX_IOU, SETTINGS);
    System.out.printf("blazeface-front-128 static:%n%s", report.text(0));
    assertThat(report.heldOutAgreement()).as("mean box IoU, held out").isGreaterThanOrEqualTo(0.85);
    assertThat(report.quantizedOps()).containsEntry("Conv", 37);
    // the residual Adds, the zero-padding Concats and the MaxPools run on int8 too; only the input
    // and the four float regressor heads convert
    OrtOptimizedGraph optimized = OrtOptimizedGraph.of(quantized, TMP);
    assertThat(optimized.ops())
        .containsEntry("QLinearConv", 33)
        .containsEntry("QLinearAdd", 16)
        .containsEntry("QLinearConcat", 11)
        .doesNotContainKeys("Add", "Concat", "Relu", "MaxPool");
    assertThat(optimized.activationConversions()).isLessThanOrEqualTo(5);
    // opset 12 has no per-channel DequantizeLinear: ONNX Runtime's com.microsoft one carries the
    // axis
    assertThat(quantized.getGraph().getNodeList())
        .filteredOn(n -> n.getOpType().equals("DequantizeLinear"))
        .allMatch(n -> n.getDomain().equals("com.microsoft"));
  }

  @Test
  void openWakeWordEmbeddingKeepsItsDirection() throws Exception {
    ModelProto model = OnnxModelFile.read(TestModels.require("oww-embedding"));
    List<Map<String, TensorData>> calibration =
        CalibrationInputs.synthetic(
            CalibrationInputs.inputs(model.getGraph()), InputShapes.NONE, 16, 0);
    List<Map<String, TensorData>> heldOut =
        CalibrationInputs.synthetic(
            CalibrationInputs.inputs(model.getGraph()), InputShapes.NONE, 8, 500);
    for (Mode mode : Mode.values()) {
      QuantizeOptions options = QuantizeOptions.defaults().withMode(mode);
      Quantizer quantizer = Quantizer.prepare(model, options, calibration);
      ModelProto quantized = quantizer.quantize();
      QuantizationReport report =
          QuantizationReport.measure(
              model, quantized, quantizer, calibration, heldOut, null, SETTINGS);
      System.out.printf("oww-embedding %s:%n%s", mode, report.text(0));
      assertThat(report.metric()).isEqualTo(Agreement.COSINE);
      assertThat(report.heldOutAgreement())
          .as("%s cosine, held out", mode)
          .isGreaterThanOrEqualTo(0.98);
      assertThat(report.quantizedOps()).containsEntry("Conv", 20);
      if (mode == Mode.STATIC) {
        // each LeakyRelu goes on to a Max, which has no integer kernel: the LeakyRelus stay float
        // rather than add a conversion, and the Convs still fuse
        assertThat(OrtOptimizedGraph.of(quantized, TMP).ops())
            .containsEntry("QLinearConv", 19)
            .containsEntry("LeakyRelu", 19)
            .doesNotContainKey("QLinearLeakyRelu");
      }
      assertThat(quantized.getOpsetImportList())
          .anyMatch(o -> o.getDomain().isEmpty() && o.getVersion() == 13);
    }
  }

  private static java.util.Set<Integer> classes(
      ModelProto model, List<Map<String, TensorData>> inputs) throws Exception {
    java.util.Set<Integer> classes = new java.util.HashSet<>();
    try (OrtRunner runner = OrtRunner.open(model.toByteArray(), "float", 1)) {
      for (Map<String, TensorData> input : inputs) {
        double[] p = runner.run(input).values().iterator().next().values();
        classes.add(p[0] >= p[1] ? 0 : 1);
      }
    }
    return classes;
  }

  static Map<String, Integer> opCounts(ModelProto model) {
    Map<String, Integer> ops = new TreeMap<>();
    for (NodeProto n : model.getGraph().getNodeList()) {
      ops.merge(n.getOpType(), 1, Integer::sum);
    }
    return ops;
  }
}
