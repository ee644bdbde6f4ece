package io.isthmus.partitioner.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.graph.NodeIds;
import io.isthmus.partitioner.profile.NodeProfile;
import io.isthmus.partitioner.profile.Profile;
import io.isthmus.partitioner.quantize.QuantizeOptions.Mode;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.TensorData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuantizedHeadTest {
  /** x -> MM(MatMul) -> m -> R(Relu) -> r -> G(Gemm) -> y. */
  private static final ModelProto MLP = QuantGraphs.matMulGemm();

  private static final List<Map<String, TensorData>> INPUTS =
      CalibrationInputs.synthetic(CalibrationInputs.inputs(MLP.getGraph()), InputShapes.NONE, 8, 0);

  private static final Set<String> QUANTIZATION_OPS =
      Set.of("QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger");

  @Test
  void withNoHeadTheMixedModelIsTheFloatModel() throws Exception {
    for (ModelProto int8 : List.of(dynamicInt8(), staticInt8())) {
      ModelProto mixed = QuantizedHead.of(MLP, int8).mixed(List.of());

      assertThat(mixed.getGraph().getNodeList()).isEqualTo(MLP.getGraph().getNodeList());
      assertThat(Agreement.relativeError(run(MLP), run(mixed))).isEqualTo(0.0);
    }
  }

  @Test
  void withEveryNodeInTheHeadTheMixedModelIsTheInt8Model() throws Exception {
    for (ModelProto int8 : List.of(dynamicInt8(), staticInt8())) {
      ModelProto mixed = QuantizedHead.of(MLP, int8).mixed(List.of("MM", "R", "G"));

      assertThat(mixed.getGraph().getNodeCount()).isEqualTo(int8.getGraph().getNodeCount());
      assertThat(Agreement.relativeError(run(int8), run(mixed))).isEqualTo(0.0);
      assertThat(Agreement.relativeError(run(MLP), run(mixed))).isGreaterThan(1e-6);
    }
  }

  @Test
  void aMixedModelRunsItsHeadInInt8AndPutsItsTailBackInFloat() throws Exception {
    // Dynamic mode replaces MatMul and Gemm by DynamicQuantizeLinear + MatMulInteger + ... chains
    // whose last node produces the float node's output.
    ModelProto mixed = QuantizedHead.of(MLP, dynamicInt8()).mixed(List.of("MM", "R"));

    List<NodeProto> nodes = mixed.getGraph().getNodeList();
    assertThat(nodes).filteredOn(n -> n.getOpType().equals("MatMulInteger")).hasSize(1);
    assertThat(nodes).filteredOn(n -> n.getOpType().equals("MatMul")).isEmpty();
    NodeProto gemm = MLP.getGraph().getNode(2);
    assertThat(nodes).contains(gemm);
    assertThat(mixed.getGraph().getInitializerList())
        .extracting(t -> t.getName())
        .contains("w2", "c")
        .doesNotContain("w");
    double headOnly = Agreement.relativeError(run(MLP), run(mixed));
    assertThat(headOnly).isGreaterThan(1e-7);

    // Static mode keeps node names: MM keeps its QDQ inputs, G reads the float r and weights.
    ModelProto staticMixed = QuantizedHead.of(MLP, staticInt8()).mixed(List.of("MM"));
    List<NodeProto> staticNodes = staticMixed.getGraph().getNodeList();
    assertThat(staticNodes).contains(gemm, MLP.getGraph().getNode(1));
    assertThat(staticNodes)
        .filteredOn(n -> QUANTIZATION_OPS.contains(n.getOpType()))
        .allSatisfy(n -> assertThat(consumers(staticMixed, n)).allMatch(c -> !c.equals("G")));
    assertThat(Agreement.relativeError(run(MLP), run(staticMixed))).isGreaterThan(1e-7);
  }

  @Test
  void int8NodeTimesLandOnTheFloatNodeTheyWorkFor() throws Exception {
    ModelProto int8 = dynamicInt8();
    List<String> ids = NodeIds.of(int8.getGraph());
    // Node i takes 2^i ms, so every sum names the nodes it adds up.
    Map<String, NodeProfile> nodes = new LinkedHashMap<>();
    Map<String, Double> expected = new LinkedHashMap<>(Map.of("MM", 0.0, "R", 0.0, "G", 0.0));
    for (int i = 0; i < ids.size(); i++) {
      NodeProto node = int8.getGraph().getNode(i);
      double ms = Math.pow(2, i);
      nodes.put(ids.get(i), new NodeProfile(node.getOpType(), ms, 0, List.of(), true));
      String owner =
          node.getOpType().equals("Relu") ? "R" : precedesOrProduces(int8, i, "m") ? "MM" : "G";
      expected.merge(owner, ms, Double::sum);
    }
    Profile int8Profile = profile("pi", "mlp-int8.onnx", nodes);
    Profile floatProfile =
        profile(
            "pi",
            "mlp.onnx",
            Map.of(
                "MM", new NodeProfile("MatMul", 5, 24, List.of(24L), true),
                "R", new NodeProfile("Relu", 1, 24, List.of(24L), true),
                "G", new NodeProfile("Gemm", 5, 16, List.of(16L), true)));

    Profile onFloat = QuantizedHead.of(MLP, int8).profileOnFloatNodes(int8Profile, floatProfile);

    assertThat(onFloat.nodes().keySet()).containsExactly("MM", "R", "G");
    for (String id : List.of("MM", "R", "G")) {
      assertThat(onFloat.nodes().get(id).ms()).as(id).isCloseTo(expected.get(id), within(1e-9));
      assertThat(onFloat.nodes().get(id).outputBytes())
          .isEqualTo(floatProfile.nodes().get(id).outputBytes());
    }
    assertThat(onFloat.totalMs()).isCloseTo(Math.pow(2, ids.size()) - 1, within(1e-9));
    assertThat(onFloat.device()).isEqualTo("pi");
    assertThat(onFloat.modelSha256()).isEqualTo(floatProfile.modelSha256());
  }

  @Test
  void weightsShrinkToTheirInt8Size() throws Exception {
    Map<String, Long> bytes = QuantizedHead.of(MLP, staticInt8()).weightBytes();

    // w: 48 float -> 48 int8 + a scale and zero point each for w and x (read by MM's DQ and Q)
    assertThat(bytes.get("w")).isEqualTo(48 + 4 + 1 + 4 + 1);
    // w2 (96 float -> 24 int8) and c (16 float -> 16 int32) share Gemm's ratio, with the scales
    // and zero points of w2, c and r: far below their 112 float bytes
    assertThat(bytes.get("w2") + bytes.get("c")).isBetween(24L + 16 + 5, 70L);
    assertThat(bytes).containsOnlyKeys("w", "w2", "c");
  }

  @Test
  void anInt8ModelOfAnotherModelIsRefused() throws Exception {
    ModelProto other = QuantGraphs.convBatchNorm();

    assertThatThrownBy(() -> QuantizedHead.of(MLP, other))
        .isInstanceOf(PartitionException.class)
        .hasMessageContaining("is not a QDQ version of the float model")
        .hasMessageContaining("MM");
  }

  /** Whether node {@code i} is {@code tensor}'s producer or an ancestor of it. */
  private static boolean precedesOrProduces(ModelProto model, int i, String tensor) {
    List<String> wanted = new ArrayList<>(List.of(tensor));
    for (int n = model.getGraph().getNodeCount() - 1; n >= 0; n--) {
      NodeProto node = model.getGraph().getNode(n);
      if (node.getOutputList().stream().anyMatch(wanted::contains)) {
        if (n == i) {
          return true;
        }
        wanted.addAll(node.getInputList());
      }
    }
    return false;
  }

  private static List<String> consumers(ModelProto model, NodeProto producer) {
    return model.getGraph().getNodeList().stream()
        .filter(n -> n.getInputList().stream().anyMatch(producer.getOutputList()::contains))
        .map(NodeProto::getName)
        .toList();
  }

  private static Profile profile(String device, String model, Map<String, NodeProfile> nodes) {
    return new Profile(
        device,
        model,
        model + "-sha",
        10,
        1,
        1,
        "extended",
        "median",
        null,
        null,
        nodes,
        Map.of("x", 32L),
        0,
        nodes.values().stream().mapToDouble(NodeProfile::ms).sum());
  }

  private static ModelProto dynamicInt8() throws PartitionException {
    return Quantizer.prepare(MLP, QuantizeOptions.defaults(), List.of()).quantize();
  }

  private static ModelProto staticInt8() throws PartitionException {
    return Quantizer.prepare(MLP, QuantizeOptions.defaults().withMode(Mode.STATIC), INPUTS)
        .quantize();
  }

  private static List<Map<String, TensorData>> run(ModelProto model) throws Exception {
    try (OrtRunner runner = OrtRunner.open(model.toByteArray(), "test", 1)) {
      return runner.runAll(INPUTS);
    }
  }
}
