package io.isthmus.partitioner.graph;

import static io.isthmus.partitioner.testing.TestGraphs.node;
import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeIdsTest {
  @Test
  void uniqueNamesAreKeptAndEmptyOrRepeatedNamesBecomeOpTypeAndIndex() {
    GraphProto graph =
        GraphProto.newBuilder()
            .addNode(node("Conv", "conv1", List.of("x"), "a"))
            .addNode(node("Relu", "", List.of("a"), "b"))
            .addNode(node("Conv", "dup", List.of("b"), "c"))
            .addNode(node("Add", "dup", List.of("c", "b"), "d"))
            .addNode(node("Relu", "last", List.of("d"), "e"))
            .build();

    assertThat(NodeIds.of(graph)).containsExactly("conv1", "Relu_1", "Conv_2", "Add_3", "last");
  }
}
