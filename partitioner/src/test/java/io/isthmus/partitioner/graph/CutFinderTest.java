package io.isthmus.partitioner.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.testing.TestGraphs;
import java.util.List;
import org.junit.jupiter.api.Test;

class CutFinderTest {

  @Test
  void diamondCandidatesAreTheFrontiersAfterEachNode() throws Exception {
    CutFinder finder = new CutFinder(ModelGraph.of(TestGraphs.diamond(), "diamond"));

    List<Cut> cuts = finder.candidates();

    // after A: a; after B: a (still read by C) and b; after C: b and c
    assertThat(cuts)
        .extracting(Cut::tensors)
        .containsExactly(List.of("a"), List.of("a", "b"), List.of("b", "c"));
    assertThat(cuts)
        .extracting(Cut::headNodes)
        .containsExactly(List.of("A"), List.of("A", "B"), List.of("A", "B", "C"));
    assertThat(cuts)
        .extracting(Cut::tailNodes)
        .containsExactly(List.of("B", "C", "D"), List.of("C", "D"), List.of("D"));
    assertThat(cuts).extracting(Cut::position).containsExactly(1, 2, 3);
    // each tensor is float32 [1,4] at the representative shape: 16 bytes
    assertThat(cuts).extracting(Cut::bytes).containsExactly(16L, 32L, 32L);
    assertThat(cuts.get(1).bytesByTensor()).containsEntry("a", 16L).containsEntry("b", 16L);
    assertThat(cuts).allSatisfy(c -> assertThat(c.passThrough()).isEmpty());
  }

  @Test
  void chainCandidatesAreEveryBoundary() throws Exception {
    CutFinder finder = new CutFinder(ModelGraph.of(TestGraphs.chainWithWeights(), "chain"));

    assertThat(finder.candidates()).extracting(Cut::spec).containsExactly("m", "r");
  }

  @Test
  void constantsAloneMakeNoCandidateAndGoWithTheHalfThatReadsThem() throws Exception {
    // GIVEN Constant K first in the file: x -> R(Relu) -> r; K -> k; D(Add r, k) -> y
    ModelProto model =
        TestGraphs.model(
            GraphProto.newBuilder()
                .addInput(TestGraphs.input("x", DataType.FLOAT, 1, 3))
                .addNode(
                    TestGraphs.node("Constant", "K", List.of(), "k").toBuilder()
                        .addAttribute(
                            AttributeProto.newBuilder()
                                .setName("value")
                                .setType(AttributeType.TENSOR)
                                .setT(TestGraphs.floats("kv", 1, 2, 3))))
                .addNode(TestGraphs.node("Relu", "R", List.of("x"), "r"))
                .addNode(TestGraphs.node("Add", "D", List.of("r", "k"), "y"))
                .addOutput(TestGraphs.input("y", DataType.FLOAT, 1, 3))
                .build());
    CutFinder finder = new CutFinder(ModelGraph.of(model, "constant"));

    List<Cut> cuts = finder.candidates();

    assertThat(cuts).extracting(Cut::spec).containsExactly("r");
    assertThat(cuts.get(0).headNodes()).containsExactly("R");
    assertThat(cuts.get(0).tailNodes()).containsExactly("K", "D");
  }

  @Test
  void candidateSpecsParseBackToTheSameCut() throws Exception {
    CutFinder finder = new CutFinder(ModelGraph.of(TestGraphs.diamond(), "diamond"));

    for (Cut cut : finder.candidates()) {
      assertThat(finder.cut(List.of(cut.spec().split(",")))).isEqualTo(cut);
    }
  }

  @Test
  void aHeadNodeSetGivesTheSameCutAsItsTensors() throws Exception {
    CutFinder finder = new CutFinder(ModelGraph.of(TestGraphs.diamond(), "diamond"));

    assertThat(finder.cutAtHead(List.of("A", "C"))).isEqualTo(finder.cut(List.of("a", "c")));
    assertThat(finder.cutAtHead(List.of("A", "C")).tensors()).containsExactly("a", "c");
    assertThatThrownBy(() -> finder.cutAtHead(List.of("B")))
        .isInstanceOfSatisfying(
            PartitionException.class, e -> assertThat(e.code()).isEqualTo(Code.CUT_NOT_SEPARATING))
        .hasMessageContaining("Head node B reads tensor a, which tail node A computes");
    assertThatThrownBy(() -> finder.cutAtHead(List.of("A", "B", "C", "D")))
        .hasMessageContaining("would be empty");
  }

  @Test
  void graphInputsTheTailReadsArePassedThroughAndCounted() throws Exception {
    CutFinder finder = new CutFinder(ModelGraph.of(TestGraphs.skip(), "skip"));

    Cut cut = finder.cut(List.of("a"));

    assertThat(cut.tensors()).containsExactly("a");
    assertThat(cut.passThrough()).containsExactly("x");
    assertThat(cut.bytes()).isEqualTo(32);
    assertThat(finder.cut(List.of("a", "x"))).isEqualTo(cut);
  }

  @Test
  void aCutThatLeavesAHeadTensorUncarriedNamesTheTensorAndTheTailNode() throws Exception {
    CutFinder finder = new CutFinder(ModelGraph.of(TestGraphs.diamond(), "diamond"));

    // head = {A, B}; the tail node C still reads a
    assertThatThrownBy(() -> finder.cut(List.of("b")))
        .isInstanceOfSatisfying(
            PartitionException.class, e -> assertThat(e.code()).isEqualTo(Code.CUT_NOT_SEPARATING))
        .hasMessageContaining("Tail node C reads tensor a")
        .hasMessageContaining("Add a to --cut");
  }

  @Test
  void aCutTensorThatOnlyHeadNodesReadDoesNotCross() throws Exception {
    CutFinder finder = new CutFinder(ModelGraph.of(TestGraphs.diamond(), "diamond"));

    assertThatThrownBy(() -> finder.cut(List.of("a", "b", "c")))
        .isInstanceOfSatisfying(
            PartitionException.class, e -> assertThat(e.code()).isEqualTo(Code.CUT_NOT_SEPARATING))
        .hasMessageContaining("Tensor a does not cross the cut");
  }

  @Test
  void aCutAtTheGraphOutputLeavesNoTail() throws Exception {
    CutFinder finder = new CutFinder(ModelGraph.of(TestGraphs.chainWithWeights(), "chain"));

    assertThatThrownBy(() -> finder.cut(List.of("y")))
        .isInstanceOfSatisfying(
            PartitionException.class, e -> assertThat(e.code()).isEqualTo(Code.CUT_NOT_SEPARATING))
        .hasMessageContaining("Tensor y does not cross");
    assertThatThrownBy(() -> finder.cut(List.of("x")))
        .isInstanceOfSatisfying(
            PartitionException.class, e -> assertThat(e.code()).isEqualTo(Code.CUT_NOT_SEPARATING))
        .hasMessageContaining("head would be empty");
  }

  @Test
  void unknownNamesAndInitializersAreRejected() throws Exception {
    CutFinder finder = new CutFinder(ModelGraph.of(TestGraphs.chainWithWeights(), "chain"));

    assertThatThrownBy(() -> finder.cut(List.of("m", "nope")))
        .isInstanceOfSatisfying(
            PartitionException.class, e -> assertThat(e.code()).isEqualTo(Code.UNKNOWN_TENSOR))
        .hasMessageContaining("[nope]")
        .hasMessageContaining("partition cuts MODEL");
    assertThatThrownBy(() -> finder.cut(List.of("w2")))
        .isInstanceOfSatisfying(
            PartitionException.class, e -> assertThat(e.code()).isEqualTo(Code.UNKNOWN_TENSOR))
        .hasMessageContaining("initializers are constants");
  }

  @Test
  void aCutInsideAControlFlowSubgraphNamesTheNode() throws Exception {
    CutFinder finder = new CutFinder(ModelGraph.of(TestGraphs.withIf(), "if"));

    assertThatThrownBy(() -> finder.cut(List.of("then_out")))
        .isInstanceOfSatisfying(
            PartitionException.class, e -> assertThat(e.code()).isEqualTo(Code.CUT_IN_SUBGRAPH))
        .hasMessageContaining("control-flow node I (If)")
        .hasMessageContaining("(i)");
    // the If node is one unit: the candidates cut before or after it, never inside
    assertThat(finder.candidates()).extracting(Cut::spec).containsExactly("a", "i");
    assertThat(finder.candidates().get(0).passThrough()).containsExactly("cond");
  }
}
