package io.isthmus.partitioner.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.quantize.QuantizeOptions.DynamicForm;
import io.isthmus.partitioner.quantize.QuantizeOptions.Mode;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.TensorData;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuantizerTest {
  private static final ModelProto MLP = QuantGraphs.matMulGemm();
  private static final List<Map<String, TensorData>> INPUTS =
      CalibrationInputs.synthetic(CalibrationInputs.inputs(MLP.getGraph()), InputShapes.NONE, 8, 0);

  @Test
  void staticModeWrapsWeightsAndActivationsInQuantizeDequantizePairs() throws Exception {
    QuantizeOptions options = QuantizeOptions.defaults().withMode(Mode.STATIC);
    Quantizer quantizer = Quantizer.prepare(MLP, options, INPUTS);
    ModelProto quantized = quantizer.quantize();

    assertThat(quantizer.plan().ids()).containsExactly("MM", "G");
    // x and r (Gemm input); the MatMul's output m goes to the Relu alone, whose pair (on r) stands
    // for both, so that ONNX Runtime drops the Relu; y is a graph output and stays float
    assertThat(quantizer.plan().activations()).containsExactly("x", "r");
    assertThat(quantizer.plan().folded()).containsOnly(Map.entry("m", "r"));
    assertThat(ops(quantized, "QuantizeLinear")).hasSize(2);
    // 2 activations, 2 weights and the Gemm bias
    assertThat(ops(quantized, "DequantizeLinear")).hasSize(5);
    assertThat(quantized.getGraph().getInitializerList())
        .filteredOn(t -> t.getName().startsWith("c_quantized"))
        .singleElement()
        .satisfies(t -> assertThat(t.getDataType()).isEqualTo(6)); // int32 bias
    assertThat(relativeError(quantized)).isBetween(1e-6, 0.05);
  }

  @Test
  void dynamicModeRunsMatMulAndGemmAsIntegerProducts() throws Exception {
    Quantizer quantizer = Quantizer.prepare(MLP, QuantizeOptions.defaults(), List.of());
    ModelProto quantized = quantizer.quantize();

    assertThat(ops(quantized, "MatMulInteger")).hasSize(2);
    assertThat(ops(quantized, "DynamicQuantizeLinear")).hasSize(2);
    assertThat(ops(quantized, "QuantizeLinear")).isEmpty();
    assertThat(ops(quantized, "Gemm")).isEmpty();
    assertThat(relativeError(quantized)).isBetween(1e-6, 0.05);
  }

  @Test
  void perChannelWeightsCarryAnAxisAndOneScalePerOutputChannel() throws Exception {
    QuantizeOptions options =
        new QuantizeOptions(
            Mode.DYNAMIC,
            true,
            false,
            QuantizeOptions.CalibrationMethod.MIN_MAX,
            99.9,
            DynamicForm.QDQ,
            Set.of());
    ModelProto quantized = Quantizer.prepare(MLP, options, List.of()).quantize();

    // opset 17: the standard DequantizeLinear, axis 1 for MatMul's [K, N], 0 for Gemm's transposed
    // B
    assertThat(ops(quantized, "DequantizeLinear"))
        .extracting(n -> n.getDomain() + ":" + n.getAttribute(0).getI())
        .containsExactly(":1", ":0");
    assertThat(quantized.getGraph().getInitializerList())
        .filteredOn(t -> t.getName().equals("w_scale"))
        .singleElement()
        .satisfies(t -> assertThat(t.getDimsList()).containsExactly(6L));
    assertThat(relativeError(quantized)).isBetween(1e-6, 0.05);
  }

  @Test
  void excludedOpTypesAndNodesStayFloat() throws Exception {
    QuantizeOptions options = QuantizeOptions.defaults().withExclude(Set.of("G"));
    Quantizer quantizer = Quantizer.prepare(MLP, options, List.of());
    assertThat(quantizer.plan().ids()).containsExactly("MM");
    assertThat(ops(quantizer.quantize(), "Gemm")).hasSize(1);

    QuantizeOptions everything = QuantizeOptions.defaults().withExclude(Set.of("MatMul", "Gemm"));
    assertThatThrownBy(() -> Quantizer.prepare(MLP, everything, List.of()))
        .isInstanceOf(PartitionException.class)
        .hasMessageContaining("no node to quantize");
  }

  @Test
  void anExcludedNameTheModelLacksIsAClearError() {
    QuantizeOptions options = QuantizeOptions.defaults().withExclude(Set.of("conv_99"));
    assertThatThrownBy(() -> Quantizer.prepare(MLP, options, List.of()))
        .isInstanceOfSatisfying(
            PartitionException.class,
            e -> assertThat(e.code()).isEqualTo(PartitionException.Code.BAD_INPUT))
        .hasMessageContaining("[conv_99]")
        .hasMessageContaining("Op types in the model: [Gemm, MatMul, Relu]");
  }

  @Test
  void staticModeNeedsCalibrationInputs() {
    QuantizeOptions options = QuantizeOptions.defaults().withMode(Mode.STATIC);
    assertThatThrownBy(() -> Quantizer.prepare(MLP, options, List.of()))
        .isInstanceOf(PartitionException.class)
        .hasMessageContaining("calibration input");
  }

  @Test
  void batchNormalizationFoldsIntoTheConvBeforeIt() throws Exception {
    ModelProto model = QuantGraphs.convBatchNorm();
    ModelProto prepared = FloatGraphPreparation.prepare(model);
    assertThat(prepared.getGraph().getNodeList())
        .extracting(NodeProto::getOpType)
        .containsExactly("Conv");
    List<Map<String, TensorData>> inputs =
        CalibrationInputs.synthetic(
            CalibrationInputs.inputs(model.getGraph()), InputShapes.NONE, 2, 9);
    assertThat(Agreement.relativeError(run(model, inputs), run(prepared, inputs))).isLessThan(1e-6);
  }

  @Test
  void hardSigmoidAfterAConvBecomesAClipAndDivisionByAConstantAProduct() throws Exception {
    ModelProto model = QuantGraphs.hardSigmoidGate();
    ModelProto prepared = FloatGraphPreparation.prepare(model);
    // ONNX Runtime has integer kernels for Conv (with the Clip folded into its QuantizeLinear) and
    // Mul, none for HardSigmoid or Div; the nodes keep their names
    assertThat(prepared.getGraph().getNodeList())
        .extracting(n -> n.getName() + ":" + n.getOpType())
        .containsExactly("C:Conv", "G:Clip", "D:Mul");
    List<Map<String, TensorData>> inputs =
        CalibrationInputs.synthetic(
            CalibrationInputs.inputs(model.getGraph()), InputShapes.NONE, 4, 3);
    List<Map<String, TensorData>> expected = run(model, inputs);
    assertThat(Agreement.relativeError(expected, run(prepared, inputs))).isLessThan(1e-6);
    // the gate saturates on some inputs, so the Clip's bounds are exercised
    double[] y = expected.get(0).get("y").values();
    assertThat(y).contains(0.0).contains(0.25);
  }

  @Test
  void symmetricWeightScalesAreTheLargestMagnitudeOver127() {
    QuantParams p =
        QuantParams.symmetricWeights(new float[] {0.5f, -2.54f, 1f, 0.1f}, new long[] {2, 2}, 0);
    assertThat(p.scales()).containsExactly(0.02f, 1f / 127);
    assertThat(p.quantizeInt8(new float[] {0.5f, -2.54f, 1f, 0.1f}, new long[] {2, 2}))
        .containsExactly(25, -127, 127, 13);
    QuantParams a = QuantParams.activation(-1, 3, false);
    assertThat(a.scales()[0]).isEqualTo(4f / 255);
    assertThat(a.zeroPoints()[0]).isEqualTo(64); // round(255 / 4): real 0 is exact
  }

  private static double relativeError(ModelProto quantized) throws Exception {
    return Agreement.relativeError(run(MLP, INPUTS), run(quantized, INPUTS));
  }

  private static List<Map<String, TensorData>> run(
      ModelProto model, List<Map<String, TensorData>> inputs) throws Exception {
    try (OrtRunner runner = OrtRunner.open(model.toByteArray(), "test", 1)) {
      return runner.runAll(inputs);
    }
  }

  private static List<NodeProto> ops(ModelProto model, String op) {
    return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).toList();
  }
}
