package io.isthmus.partitioner.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.isthmus.partitioner.quantize.QuantizeOptions.Mode;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.TensorData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FusionPlacementTest {
  private static final ModelProto BLOCK = QuantGraphs.residualBlock();
  private static final List<Map<String, TensorData>> INPUTS =
      CalibrationInputs.synthetic(
          CalibrationInputs.inputs(BLOCK.getGraph()), InputShapes.NONE, 8, 0);

  @TempDir Path dir;

  @Test
  void pairsGoWhereOnnxRuntimeFusesThem() throws Exception {
    // GIVEN
    QuantizeOptions options = QuantizeOptions.defaults().withMode(Mode.STATIC);

    // WHEN
    Quantizer quantizer = Quantizer.prepare(BLOCK, options, INPUTS);
    QuantizationPlan plan = quantizer.plan();

    // THEN
    // the Relus carry the pairs of the Conv and the Add before them; the MaxPool's output reuses
    // its input's parameters; the head's output leaves the model after a Transpose and stays float
    assertThat(plan.activations()).containsExactlyInAnyOrder("x", "r1", "p", "c2", "r2", "s");
    assertThat(plan.folded()).containsOnly(Map.entry("c1", "r1"), Map.entry("a", "r2"));
    assertThat(plan.sameScaleAs()).containsOnly(Map.entry("p", "r1"));
    assertThat(plan.ids()).containsExactly("C1", "P", "C2", "A", "S", "H");
    // the Div by a constant became a Mul (kept its name), which has an integer kernel
    assertThat(quantizer.prepared().getGraph().getNodeList())
        .filteredOn(n -> n.getName().equals("S"))
        .extracting(NodeProto::getOpType)
        .containsExactly("Mul");
  }

  @Test
  void onnxRuntimeRunsTheBlockOnIntegerKernelsWithOneConversionEachWay() throws Exception {
    // GIVEN
    QuantizeOptions options = QuantizeOptions.defaults().withMode(Mode.STATIC);

    // WHEN
    ModelProto quantized = Quantizer.prepare(BLOCK, options, INPUTS).quantize();
    OrtOptimizedGraph optimized = OrtOptimizedGraph.of(quantized, dir);

    // THEN
    Map<String, Integer> ops = optimized.ops();
    assertThat(ops)
        .containsEntry("QLinearConv", 2)
        .containsEntry("QLinearAdd", 1)
        .containsEntry("QLinearMul", 1)
        .doesNotContainKeys("Relu", "Add", "Mul", "Div", "MaxPool");
    // x quantized once on the way in, s dequantized once for the float head
    assertThat(optimized.activationConversions()).isEqualTo(2);
    assertThat(Agreement.relativeError(run(BLOCK), run(quantized))).isBetween(1e-6, 0.05);
  }

  @Test
  void anExcludedNodeSplitsTheIntegerRegion() throws Exception {
    // GIVEN the Add left in float
    QuantizeOptions options =
        QuantizeOptions.defaults().withMode(Mode.STATIC).withExclude(Set.of("A"));

    // WHEN
    Quantizer quantizer = Quantizer.prepare(BLOCK, options, INPUTS);
    OrtOptimizedGraph optimized = OrtOptimizedGraph.of(quantizer.quantize(), dir);

    // THEN the Add runs in float between dequantized inputs
    assertThat(quantizer.plan().ids()).doesNotContain("A");
    assertThat(optimized.ops()).containsEntry("Add", 1).doesNotContainKey("QLinearAdd");
    assertThat(optimized.activationConversions()).isGreaterThan(2);
  }

  @Test
  void anAddOfABiasVectorStaysFloatAndAResidualAddJoins() throws Exception {
    // GIVEN
    ModelProto model = QuantGraphs.biasAndResidual();
    List<Map<String, TensorData>> inputs =
        CalibrationInputs.synthetic(
            CalibrationInputs.inputs(model.getGraph()), InputShapes.NONE, 4, 0);

    // WHEN
    QuantizationPlan plan =
        Quantizer.prepare(model, QuantizeOptions.defaults().withMode(Mode.STATIC), inputs).plan();

    // THEN one uint8 scale for the whole bias would round its small entries away: B stays float;
    // the residual S reads two activations and feeds a MatMul, so it joins
    assertThat(plan.ids()).containsExactly("M1", "S", "M2");
    assertThat(plan.activations()).containsExactlyInAnyOrder("x", "m", "b", "s");
  }

  private static List<Map<String, TensorData>> run(ModelProto model) throws Exception {
    try (OrtRunner runner = OrtRunner.open(model.toByteArray(), "test", 1)) {
      return runner.runAll(INPUTS);
    }
  }
}
