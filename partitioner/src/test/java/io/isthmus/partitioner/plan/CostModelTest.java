package io.isthmus.partitioner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostModelTest {
  /** in(1000 B) -> A -> a(2500 B) -> B -> out(100 B); A has weight wa (4000 B). */
  private static final CostGraph GRAPH =
      new TestGraphs()
          .tensor("in", 1000)
          .tensor("a", 2500)
          .tensor("out", 100)
          .weight("wa", 4000)
          .node("A", 4, 0.5, List.of("in"), List.of("a"), List.of("wa"))
          .node("B", 6, 0.75, List.of("a"), List.of("out"), List.of())
          .output("out")
          .build();

  // 20 Mbit/s: 8000 / 2e7 = 0.0004 ms per byte; RTT 40 ms.
  private static final NetworkProfile NET = NetworkProfile.parse("bw=20mbit,rtt=40ms");
  private static final CostParameters PARAMETERS =
      new CostParameters(10, 500, 0.2, 5, 2, 300, 2, 0.00001, 0.000001);

  private static Placement headA() {
    BitSet head = new BitSet();
    head.set(0);
    return Placement.of(GRAPH, head);
  }

  @Test
  void latencyAddsEdgeSerialisationTransferFixedAndCloud() {
    CostModel.Estimate e = new CostModel(PARAMETERS, Objective.LATENCY).estimate(headA(), NET);

    // 2500 B sent + 100 B returned = 2600 B.
    assertThat(e.bytesSent()).isEqualTo(2500);
    assertThat(e.bytesReturned()).isEqualTo(100);
    assertThat(e.edgeMs()).isEqualTo(4);
    assertThat(e.serialisationMs()).isCloseTo(2600 * 10e-6, within(1e-12));
    assertThat(e.transferMs()).isCloseTo(2600 * 0.0004, within(1e-12));
    assertThat(e.fixedMs()).isCloseTo(40 + 500 * 0.2, within(1e-12));
    assertThat(e.cloudMs()).isEqualTo(0.75);
    assertThat(e.totalMs()).isCloseTo(4 + 0.026 + 1.04 + 140 + 0.75, within(1e-9));
    assertThat(e.objective()).isEqualTo(e.totalMs());
  }

  @Test
  void energyChargesActivePowerWhileComputingIdlePowerWhileWaitingAndRadioPerByte() {
    CostModel.Estimate e = new CostModel(PARAMETERS, Objective.ENERGY).estimate(headA(), NET);

    double expected = 5 * (4 + 0.026) + 2 * (1.04 + 140) + 2 * 0.75 + 300e-6 * 2600;
    assertThat(e.energyMj()).isCloseTo(expected, within(1e-9));
    assertThat(e.objective()).isEqualTo(e.energyMj());
  }

  @Test
  void cloudCostIsBilledGbSecondsPlusTheRequest() {
    CostModel.Estimate e = new CostModel(PARAMETERS, Objective.COST).estimate(headA(), NET);

    assertThat(e.cloudCost()).isCloseTo(0.75 / 1000 * 2 * 0.00001 + 0.000001, within(1e-15));
    assertThat(e.objective()).isEqualTo(e.cloudCost());
  }

  @Test
  void allEdgePaysNeitherNetworkNorCloud() {
    CostModel.Estimate e =
        new CostModel(PARAMETERS, Objective.COST).estimate(Placement.allEdge(GRAPH), NET);

    assertThat(e.totalMs()).isEqualTo(10);
    assertThat(e.fixedMs()).isZero();
    assertThat(e.cloudCost()).isZero();
    assertThat(e.energyMj()).isCloseTo(50, within(1e-12));
  }

  @Test
  void allCloudSendsTheInputs() {
    Placement cut = Placement.allCloud(GRAPH);
    CostModel.Estimate e = new CostModel(PARAMETERS, Objective.LATENCY).estimate(cut, NET);

    assertThat(cut.sent()).extracting(CostTensor::name).containsExactly("in");
    assertThat(e.bytesSent()).isEqualTo(1000);
    assertThat(e.totalMs()).isCloseTo(1100 * 10e-6 + 1100 * 0.0004 + 140 + 1.25, within(1e-9));
  }

  @Test
  void flowWeightsOfACutAddUpToItsEstimate() {
    CostModel model = new CostModel(PARAMETERS, Objective.ENERGY);
    OptimalCut.Weights w = model.weights(NET, 0, 0);
    // head {A}: A's edge weight, B's cloud weight (with its returned output), a's transfer, fixed.
    double sum =
        w.edge(GRAPH, 0) + w.cloud(GRAPH, 1) + w.transfer(GRAPH.tensors().get("a")) + w.fixed();

    assertThat(sum).isCloseTo(model.estimate(headA(), NET).objective(), within(1e-9));
  }
}
