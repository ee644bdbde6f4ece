package io.isthmus.partitioner.graph;

import static io.isthmus.partitioner.testing.TestGraphs.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.testing.TestGraphs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelGraphTest {
  @TempDir Path dir;

  @Test
  void sortsNodesTopologicallyAndMapsProducersAndConsumers() throws Exception {
    // GIVEN the diamond with its nodes stored in the order D, B, A, C and without names
    GraphProto shuffled =
        GraphProto.newBuilder(TestGraphs.diamond().getGraph())
            .clearNode()
            .addNode(node("Add", "", List.of("b", "c"), "y"))
            .addNode(node("Sigmoid", "", List.of("a"), "b"))
            .addNode(node("Relu", "", List.of("x"), "a"))
            .addNode(node("Abs", "", List.of("a"), "c"))
            .build();

    // WHEN
    ModelGraph graph = ModelGraph.of(TestGraphs.model(shuffled), "shuffled");

    // THEN
    assertThat(graph.nodes())
        .extracting(GraphNode::id)
        .containsExactly("Relu_2", "Sigmoid_1", "Abs_3", "Add_0");
    assertThat(graph.producer("a")).isEqualTo("Relu_2");
    assertThat(graph.producer("x")).isNull();
    assertThat(graph.consumers("a")).containsExactly("Sigmoid_1", "Abs_3");
    assertThat(graph.consumers("y")).isEmpty();
    assertThat(graph.inputs()).containsExactly("x");
    assertThat(graph.outputs()).containsExactly("y");
    assertThat(graph.opsets()).containsEntry("ai.onnx", TestGraphs.OPSET);
  }

  @Test
  void measuresShapesTheModelDoesNotDeclareAndMarksOpenDimensions() throws Exception {
    ModelGraph graph = ModelGraph.of(TestGraphs.diamond(), "diamond");

    TensorInfo a = graph.tensor("a");
    assertThat(a.elemType()).isEqualTo(DataType.FLOAT.getNumber());
    assertThat(a.dims()).containsExactly(-1L, 4L);
    assertThat(a.bytes()).isEqualTo(16);
    assertThat(a.valueInfo().getType().getTensorType().getShape().getDim(1).getDimValue())
        .isEqualTo(4);
    assertThat(graph.tensor("x").bytes()).isEqualTo(16);
    assertThat(graph.tensor("x").shapeText()).isEqualTo("[?,4]");
  }

  @Test
  void usesDeclaredValueInfosWithoutRunning() throws Exception {
    ModelProto declared =
        TestGraphs.model(
            TestGraphs.chainWithWeights().getGraph().toBuilder()
                .addValueInfo(TestGraphs.input("m", DataType.FLOAT, 2, 3))
                .addValueInfo(TestGraphs.input("r", DataType.DOUBLE, 7))
                .build());

    ModelGraph graph = ModelGraph.of(declared, "declared");

    // r's declared (wrong) type shows that the value info was used instead of a run
    assertThat(graph.tensor("r").elemType()).isEqualTo(DataType.DOUBLE.getNumber());
    assertThat(graph.tensor("r").bytes()).isEqualTo(56);
    assertThat(graph.tensor("m").bytes()).isEqualTo(24);
    assertThat(graph.initializers()).containsExactlyInAnyOrder("w1", "w2", "spare");
  }

  @Test
  void controlFlowNodeIsOneUnitWhoseOuterReferencesAreInputs() throws Exception {
    ModelGraph graph = ModelGraph.of(TestGraphs.withIf(), "if");

    GraphNode ifNode = graph.node("I");
    assertThat(ifNode.controlFlow()).isTrue();
    assertThat(ifNode.inputs()).containsExactly("cond", "a");
    assertThat(graph.consumers("a")).containsExactly("I");
    assertThat(graph.subgraphOwner("then_out")).isEqualTo("I");
    assertThat(graph.subgraphOwner("a")).isNull();
    assertThat(graph.nodes()).hasSize(3);
  }

  @Test
  void refusesANodeNameThatCollidesWithAGeneratedId() {
    GraphProto graph =
        TestGraphs.diamond().getGraph().toBuilder()
            .setNode(0, node("Relu", "", List.of("x"), "a"))
            .setNode(1, node("Sigmoid", "Relu_0", List.of("a"), "b"))
            .build();

    assertThatThrownBy(() -> ModelGraph.of(TestGraphs.model(graph), "collide"))
        .isInstanceOfSatisfying(
            PartitionException.class, e -> assertThat(e.code()).isEqualTo(Code.NOT_ONNX))
        .hasMessageContaining("node ids collide");
  }

  @Test
  void rejectsAFileThatIsNoOnnxModel() throws Exception {
    Path text = dir.resolve("notes.onnx");
    Files.writeString(text, "this is not a model\n", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> ModelGraph.load(text))
        .isInstanceOfSatisfying(
            PartitionException.class, e -> assertThat(e.code()).isEqualTo(Code.NOT_ONNX))
        .hasMessageContaining("notes.onnx is not an ONNX model");
  }

  @Test
  void rejectsAnUnsupportedOpsetAndNamesTheSupportedOnes() throws Exception {
    ModelProto future =
        TestGraphs.diamond().toBuilder()
            .clearOpsetImport()
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(99))
            .build();
    Path file = dir.resolve("future.onnx");
    Files.write(file, future.toByteArray());

    assertThatThrownBy(() -> ModelGraph.load(file))
        .isInstanceOfSatisfying(
            PartitionException.class, e -> assertThat(e.code()).isEqualTo(Code.UNSUPPORTED_OPSET))
        .hasMessageContaining("ai.onnx version 99")
        .hasMessageContaining("Supported: ai.onnx 7-23");
  }
}
