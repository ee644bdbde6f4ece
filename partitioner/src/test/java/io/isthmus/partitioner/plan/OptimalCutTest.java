package io.isthmus.partitioner.plan;

import static io.isthmus.partitioner.plan.TestGraphs.latency;
import static io.isthmus.partitioner.plan.TestGraphs.network;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OptimalCutTest {
  private static final NetworkProfile MS_PER_KB = network(0.001, 0);

  /** in(100000 B) -> A -> a(500 B) -> B -> b(100 B) -> C -> out(10 B); 0.001 ms per byte. */
  private static CostGraph chain() {
    return new TestGraphs()
        .tensor("in", 100_000)
        .tensor("a", 500)
        .tensor("b", 100)
        .tensor("out", 10)
        .node("A", 1, 0.1, List.of("in"), "a")
        .node("B", 2, 0.2, List.of("a"), "b")
        .node("C", 3, 0.3, List.of("b"), "out")
        .output("out")
        .build();
  }

  @Test
  void chainCutsAfterTheNodeThatShrinksTheData() {
    // all-edge 6; all-cloud 100 + 0.6 + 0.01 = 100.61; head {A}: 1 + 0.5 + 0.5 + 0.01 = 2.01;
    // head {A,B}: 3 + 0.1 + 0.3 + 0.01 = 3.41.
    CostModel model = latency();
    Placement cut = OptimalCut.find(chain(), model.weights(MS_PER_KB, 0, 0));

    assertThat(cut.headNodes()).containsExactly("A");
    assertThat(cut.sent()).extracting(CostTensor::name).containsExactly("a");
    assertThat(model.estimate(cut, MS_PER_KB).totalMs()).isCloseTo(2.01, within(1e-9));
  }

  @Test
  void chainStaysOnTheEdgeWhenTheRoundTripCostsMoreThanItSaves() {
    // With RTT 5 ms, head {A} costs 7.01 > all-edge 6.
    NetworkProfile slow = network(0.001, 5);
    Placement cut = OptimalCut.find(chain(), latency().weights(slow, 0, 0));

    assertThat(cut.isAllEdge()).isTrue();
    assertThat(latency().estimate(cut, slow).totalMs()).isCloseTo(6, within(1e-9));
  }

  @Test
  void diamondCutsBothBranches() {
    // in -> A -> a(8000 B) -> {B, C} -> b, c (500 B each) -> D -> out.
    // all-edge 13; {A}: 1 + 8 + 0.3 + 0.004 = 9.304; {A,B}: 2 + 8 + 0.5 + 0.2 + 0.004 = 10.704;
    // {A,B,C}: 3 + 1 + 0.1 + 0.004 = 4.104.
    CostGraph graph =
        new TestGraphs()
            .tensor("in", 100_000)
            .tensor("a", 8000)
            .tensor("b", 500)
            .tensor("c", 500)
            .tensor("out", 4)
            .node("A", 1, 0.1, List.of("in"), "a")
            .node("B", 1, 0.1, List.of("a"), "b")
            .node("C", 1, 0.1, List.of("a"), "c")
            .node("D", 10, 0.1, List.of("b", "c"), "out")
            .output("out")
            .build();
    Placement cut = OptimalCut.find(graph, latency().weights(MS_PER_KB, 0, 0));

    assertThat(cut.headNodes()).containsExactly("A", "B", "C");
    assertThat(cut.sent()).extracting(CostTensor::name).containsExactly("b", "c");
    assertThat(latency().estimate(cut, MS_PER_KB).totalMs()).isCloseTo(4.104, within(1e-9));
  }

  @Test
  void tensorReadByTwoCloudNodesIsPaidOnce() {
    // a (4000 B) feeds B and C. Head {A}: 1 + 4 + 1.1 + 0.004 = 6.104. Charging a twice would
    // make it 10.104 and pick {A,B,C}: 5 + 1.6 + 0.1 + 0.004 = 6.704. All-edge is 7.
    CostGraph graph =
        new TestGraphs()
            .tensor("in", 100_000)
            .tensor("a", 4000)
            .tensor("b", 800)
            .tensor("c", 800)
            .tensor("out", 4)
            .node("A", 1, 0.1, List.of("in"), "a")
            .node("B", 2, 0.5, List.of("a"), "b")
            .node("C", 2, 0.5, List.of("a"), "c")
            .node("D", 2, 0.1, List.of("b", "c"), "out")
            .output("out")
            .build();
    Placement cut = OptimalCut.find(graph, latency().weights(MS_PER_KB, 0, 0));

    assertThat(cut.headNodes()).containsExactly("A");
    assertThat(cut.sent()).extracting(CostTensor::name).containsExactly("a");
    assertThat(cut.bytesSent()).isEqualTo(4000);
    assertThat(latency().estimate(cut, MS_PER_KB).totalMs()).isCloseTo(6.104, within(1e-9));
  }

  @Test
  void sameOptimumAsBruteForceOnRandomGraphs() {
    SplittableRandom random = new SplittableRandom(7);
    CostParameters parameters =
        new CostParameters(2.0, 300, 0.1, 6.4, 2.7, 400, 2.0, 0.0000166667, 0.0000002);
    int nonTrivial = 0;
    for (int round = 0; round < 300; round++) {
      CostGraph graph = randomGraph(random, 2 + random.nextInt(9));
      Objective objective = Objective.values()[random.nextInt(3)];
      CostModel model = new CostModel(parameters, objective);
      NetworkProfile network =
          new NetworkProfile("r", 1e5 + random.nextDouble() * 1e8, random.nextDouble() * 50);

      Placement found = OptimalCut.find(graph, model.weights(network, 0, 0));
      double best = Double.POSITIVE_INFINITY;
      for (Placement cut : allCuts(graph)) {
        best = Math.min(best, model.estimate(cut, network).objective());
      }
      double value = model.estimate(found, network).objective();
      assertThat(value)
          .as("round %d, %s, %d nodes", round, objective, graph.size())
          .isCloseTo(best, within(1e-9 * Math.max(1, Math.abs(best))));
      if (!found.isAllEdge() && !found.isAllCloud()) {
        nonTrivial++;
      }
    }
    // The generator makes graphs where splitting pays, so the search is exercised beyond the ends.
    assertThat(nonTrivial).isGreaterThan(10);
  }

  @Test
  void tinyWeightsFindTheSameCutAsLargeOnes() {
    // A cloud price per millisecond is about 1e-8: the flow must not mistake it for zero.
    SplittableRandom random = new SplittableRandom(3);
    NetworkProfile network = NetworkProfile.parse("bw=20mbit,rtt=10ms");
    for (int round = 0; round < 50; round++) {
      CostGraph graph = randomGraph(random, 2 + random.nextInt(9));
      OptimalCut.Weights large = latency().weights(network, 0, 0);
      Placement expected = OptimalCut.find(graph, large);
      Placement tiny = OptimalCut.find(graph, scaled(large, 1e-15));
      assertThat(tiny.sameHead(expected)).as("round %d: %s vs %s", round, tiny, expected).isTrue();
    }
  }

  private static OptimalCut.Weights scaled(OptimalCut.Weights w, double factor) {
    return new OptimalCut.Weights() {
      @Override
      public double edge(CostGraph graph, int v) {
        return w.edge(graph, v) * factor;
      }

      @Override
      public double cloud(CostGraph graph, int v) {
        return w.cloud(graph, v) * factor;
      }

      @Override
      public double transfer(CostTensor tensor) {
        return w.transfer(tensor) * factor;
      }

      @Override
      public double fixed() {
        return w.fixed() * factor;
      }
    };
  }

  /**
   * A random DAG: each node reads one or two earlier tensors (or the input) and writes one or two.
   */
  static CostGraph randomGraph(SplittableRandom random, int n) {
    TestGraphs g = new TestGraphs().tensor("in", 1 + random.nextInt(200_000));
    List<String> available = new ArrayList<>(List.of("in"));
    List<String> last = List.of();
    for (int v = 0; v < n; v++) {
      List<String> inputs = new ArrayList<>();
      inputs.add(available.get(random.nextInt(available.size())));
      if (random.nextBoolean()) {
        String second = available.get(random.nextInt(available.size()));
        if (!inputs.contains(second)) {
          inputs.add(second);
        }
      }
      List<String> outs = new ArrayList<>();
      int count = random.nextInt(4) == 0 ? 2 : 1;
      for (int o = 0; o < count; o++) {
        String name = "t" + v + "_" + o;
        g.tensor(name, random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(100_000));
        outs.add(name);
      }
      g.node("n" + v, random.nextDouble() * 20, random.nextDouble() * 3, inputs, outs, List.of());
      available.addAll(outs);
      last = outs;
    }
    last.forEach(g::output);
    if (random.nextBoolean()) {
      g.output(available.get(1 + random.nextInt(available.size() - 1)));
    }
    return g.build();
  }

  /** Every head set closed under predecessors. */
  static List<Placement> allCuts(CostGraph graph) {
    List<Placement> cuts = new ArrayList<>();
    for (long mask = 0; mask < 1L << graph.size(); mask++) {
      BitSet head = BitSet.valueOf(new long[] {mask});
      try {
        cuts.add(Placement.of(graph, head));
      } catch (IllegalArgumentException notClosed) {
        // a head node reads a tail tensor: no cut
      }
    }
    return cuts;
  }
}
