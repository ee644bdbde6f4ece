package io.isthmus.partitioner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {
  /** in(100) -> A -> a(1000) -> B -> b(10) ; a and b -> C -> out(1); A, C share weight w. */
  private static final CostGraph GRAPH =
      new TestGraphs()
          .tensor("in", 100)
          .tensor("a", 1000)
          .tensor("b", 10)
          .tensor("out", 1)
          .weight("w", 300)
          .weight("wb", 50)
          .node("A", 1, 1, List.of("in"), List.of("a"), List.of("w"))
          .node("B", 1, 1, List.of("a"), List.of("b"), List.of("wb"))
          .node("C", 1, 1, List.of("a", "b"), List.of("out"), List.of("w"))
          .output("out")
          .build();

  private static Placement head(int... nodes) {
    BitSet head = new BitSet();
    for (int v : nodes) {
      head.set(v);
    }
    return Placement.of(GRAPH, head);
  }

  @Test
  void headThatReadsATailTensorIsNoCut() {
    assertThatThrownBy(() -> head(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("head node B reads a from tail node A");
  }

  @Test
  void tensorsSentAreThoseATailNodeReadsFromTheHead() {
    assertThat(head(0).sent()).extracting(CostTensor::name).containsExactly("a");
    assertThat(head(0, 1).sent()).extracting(CostTensor::name).containsExactly("a", "b");
    assertThat(head(0, 1).tailNodes()).containsExactly("C");
    assertThat(head(0, 1, 2).sent()).isEmpty();
    assertThat(head(0, 1).returned()).extracting(CostTensor::name).containsExactly("out");
  }

  @Test
  void memoryCountsSharedWeightsOnceAndLiveActivationsAtTheirPeak() {
    // Head {A, B}: weights w + wb = 350. Live: in 100; A writes a -> 1100 (in freed after A);
    // B writes b -> 1000 + 10 = 1010 (a and b are sent, so kept). Peak 1100.
    Placement cut = head(0, 1);
    assertThat(cut.headWeightBytes()).isEqualTo(350);
    assertThat(cut.peakActivationBytes()).isEqualTo(1100);
    assertThat(cut.headMemoryBytes()).isEqualTo(1450);
    // All-edge: C reads w again, counted once; after C: a, b freed, out kept.
    assertThat(Placement.allEdge(GRAPH).headWeightBytes()).isEqualTo(350);
    // in 100 -> +a 1100 -> -in, +b 1010 -> +out 1011.
    assertThat(Placement.allEdge(GRAPH).peakActivationBytes()).isEqualTo(1100);
    // All-cloud holds the input until it is sent.
    assertThat(Placement.allCloud(GRAPH).headMemoryBytes()).isEqualTo(100);
  }

  @Test
  void cutNamedByTensorsHeadsEveryNodeNeededForThem() {
    // in -> A -> a -> B -> out1 (model output); a -> C -> c -> D -> out2 (model output).
    CostGraph graph =
        new TestGraphs()
            .tensor("in", 8)
            .tensor("a", 8)
            .tensor("out1", 8)
            .tensor("c", 8)
            .tensor("out2", 8)
            .node("A", 1, 1, List.of("in"), "a")
            .node("B", 1, 1, List.of("a"), "out1")
            .node("C", 1, 1, List.of("a"), "c")
            .node("D", 1, 1, List.of("c"), "out2")
            .output("out1")
            .output("out2")
            .build();
    BitSet head = new BitSet();
    head.set(0, 2);
    Placement planned = Placement.of(graph, head);

    assertThat(planned.sent()).extracting(CostTensor::name).containsExactly("a");
    assertThat(planned.headOutputs()).extracting(CostTensor::name).containsExactly("out1");
    // The sent tensors alone head A only; with the head's outputs, the planned head.
    assertThat(Placement.ofTensors(graph, List.of("a")).headNodes()).containsExactly("A");
    assertThat(Placement.ofTensors(graph, List.of("a", "out1")).sameHead(planned)).isTrue();
    assertThat(Placement.ofTensors(graph, List.of("c")).headNodes()).containsExactly("A", "C");
    assertThat(Placement.ofTensors(graph, List.of("in")).isAllCloud()).isTrue();
    assertThatThrownBy(() -> Placement.ofTensors(graph, List.of("z")))
        .hasMessage("Unknown tensor z in cut [z]");
  }
}
