package io.isthmus.partitioner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.graph.NodeIds;
import io.isthmus.partitioner.profile.NodeProfile;
import io.isthmus.partitioner.profile.Profile;
import io.isthmus.partitioner.profile.Profiler;
import io.isthmus.partitioner.profile.Profiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostGraphsTest {
  /**
   * x [N, 64] -> MatMul (unnamed, weight W [64, 256]) -> h -> Add (named "add", with a Constant c
   * [256]) -> y -> two Relu nodes both named "act" -> z1, z2 (graph outputs).
   */
  static ModelProto model() {
    GraphProto.Builder g = GraphProto.newBuilder().setName("test");
    g.addInput(floatInfo("x", "N", 64));
    g.addInitializer(floats("W", 64, 256));
    g.addNode(node("MatMul", "", List.of("x", "W"), "h"));
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("Constant")
            .addOutput("c")
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("value")
                    .setType(AttributeProto.AttributeType.TENSOR)
                    .setT(floats("", 256))));
    g.addNode(node("Add", "add", List.of("h", "c"), "y"));
    g.addNode(node("Relu", "act", List.of("y"), "z1"));
    g.addNode(node("Relu", "act", List.of("y"), "z2"));
    g.addOutput(floatInfo("z1", "N", 256));
    g.addOutput(floatInfo("z2", "N", 256));
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
        .setGraph(g)
        .build();
  }

  @Test
  void nodeIdsAreUniqueNamesElseOpAndIndex() {
    assertThat(NodeIds.of(model().getGraph()))
        .containsExactly("MatMul_0", "Constant_1", "add", "Relu_3", "Relu_4");
  }

  @Test
  void profiledModelBecomesACostGraphWithWeightsApart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("test.onnx");
    Files.write(file, model().toByteArray());
    Profile edge =
        new Profiler(new Profiler.Settings(3, 1, 1, "basic", Map.of())).profile(file, "edge");
    Profile cloud = Profiles.derive(edge, 4, "cloud");

    CostGraph graph = CostGraphs.fromOnnx(model(), Map.of(), edge, cloud);

    // The Constant is a weight like W: no node, never sent.
    assertThat(graph.nodes())
        .extracting(CostNode::id)
        .containsExactly("MatMul_0", "add", "Relu_3", "Relu_4");
    assertThat(graph.nodes().get(0).weights()).containsExactly("W");
    assertThat(graph.nodes().get(1).weights()).containsExactly("c");
    assertThat(graph.weightBytes()).containsEntry("W", 64L * 256 * 4).containsEntry("c", 256L * 4);
    // x's open dimension N counts as 1; the others come from the profile's run.
    assertThat(graph.tensors().get("x").bytes()).isEqualTo(64 * 4);
    assertThat(graph.tensors().get("x").graphInput()).isTrue();
    assertThat(graph.tensors().get("h").bytes()).isEqualTo(256 * 4);
    assertThat(graph.tensors().get("y").consumers()).containsExactly(2, 3);
    assertThat(graph.tensors().get("z2").graphOutput()).isTrue();
    assertThat(graph.nodes().get(0).edgeMs())
        .isEqualTo(edge.nodes().get("MatMul_0").ms())
        .isGreaterThan(0);
    assertThat(graph.nodes().get(0).cloudMs()).isEqualTo(edge.nodes().get("MatMul_0").ms() / 4);
    assertThat(graph.warnings()).isEmpty();
  }

  @Test
  void profileOfAnotherModelIsRejected() {
    Map<String, NodeProfile> nodes = new LinkedHashMap<>(sizes());
    nodes.put("conv7", new NodeProfile("Conv", 1, 4, List.of(4L), true));
    Profile other = profile(nodes);
    assertThatThrownBy(() -> CostGraphs.fromOnnx(model(), Map.of(), other, other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names 1 nodes the model lacks, e.g. [conv7]")
        .hasMessageContaining("Profile this model with `partition profile`");

    Map<String, NodeProfile> fewer = new LinkedHashMap<>(sizes());
    fewer.remove("add");
    assertThatThrownBy(() -> CostGraphs.fromOnnx(model(), Map.of(), profile(fewer), profile(fewer)))
        .hasMessageContaining("lacks 1 nodes of the model, e.g. [add]");
  }

  @Test
  void tensorOfUnknownSizeIsWarnedAbout() {
    Map<String, NodeProfile> nodes = new LinkedHashMap<>(sizes());
    nodes.put("MatMul_0", new NodeProfile("MatMul", 1, 0, List.of(), true));
    CostGraph graph =
        CostGraphs.fromOnnx(model(), Map.of("x", 256L), profile(nodes), profile(nodes));

    assertThat(graph.tensors().get("h").bytes()).isZero();
    assertThat(graph.warnings())
        .containsExactly(
            "Size of tensor h is unknown (neither the profile nor the graph model gives it);"
                + " taken as 0 bytes");
  }

  @Test
  void sizeTheProfileLacksComesFromTheGraphModel() throws Exception {
    Map<String, NodeProfile> nodes = new LinkedHashMap<>(sizes());
    nodes.put("MatMul_0", new NodeProfile("MatMul", 1, 0, List.of(), true));
    // h has no value info: the graph model measures it by running the model once (N = 1). ONNX
    // Runtime refuses two nodes of one name, so the Relu nodes lose theirs (same ids).
    ModelProto.Builder runnable = model().toBuilder();
    runnable.getGraphBuilder().getNodeBuilder(3).clearName();
    runnable.getGraphBuilder().getNodeBuilder(4).clearName();
    CostGraph graph =
        CostGraphs.fromOnnx(
            ModelGraph.of(runnable.build(), "test"), profile(nodes), profile(nodes));

    assertThat(graph.tensors().get("h").bytes()).isEqualTo(256 * 4);
    assertThat(graph.warnings()).isEmpty();
  }

  private static Map<String, NodeProfile> sizes() {
    Map<String, NodeProfile> nodes = new LinkedHashMap<>();
    nodes.put("MatMul_0", new NodeProfile("MatMul", 1, 1024, List.of(1024L), true));
    nodes.put("Constant_1", new NodeProfile("Constant", 0, 1024, List.of(1024L), false));
    nodes.put("add", new NodeProfile("Add", 1, 1024, List.of(1024L), true));
    nodes.put("Relu_3", new NodeProfile("Relu", 1, 1024, List.of(1024L), true));
    nodes.put("Relu_4", new NodeProfile("Relu", 1, 1024, List.of(1024L), true));
    return nodes;
  }

  private static Profile profile(Map<String, NodeProfile> nodes) {
    return new Profile(
        "d", "m.onnx", "00", 1, 0, 1, "basic", "median", null, null, nodes, Map.of(), 0, 4);
  }

  private static NodeProto node(String op, String name, List<String> inputs, String output) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(name)
        .addAllInput(inputs)
        .addOutput(output)
        .build();
  }

  private static TensorProto floats(String name, long... dims) {
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.FLOAT.getNumber())
        .addAllDims(java.util.Arrays.stream(dims).boxed().toList())
        .setRawData(ByteString.copyFrom(new byte[Math.toIntExact(count * 4)]))
        .build();
  }

  private static ValueInfoProto floatInfo(String name, String dynamic, long fixed) {
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(
                            TensorShapeProto.newBuilder()
                                .addDim(
                                    TensorShapeProto.Dimension.newBuilder().setDimParam(dynamic))
                                .addDim(
                                    TensorShapeProto.Dimension.newBuilder().setDimValue(fixed)))))
        .build();
  }
}
