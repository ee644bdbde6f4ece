package io.isthmus.partitioner.plan;

import static io.isthmus.partitioner.plan.TestGraphs.network;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isthmus.partitioner.plan.PartitionPlan.Candidate;
import io.isthmus.partitioner.plan.PartitionPlan.Constraints;
import io.isthmus.partitioner.plan.PartitionPlan.ProfileSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {
  private static final Constraints NONE = new Constraints(null, null);
  private static final NetworkProfile FAST = network(0.001, 0);

  /** in(100000) -> A(weight 1000) -> a(500) -> B(2000) -> b(100) -> C(50000) -> out(10). */
  private static CostGraph chain() {
    return new TestGraphs()
        .tensor("in", 100_000)
        .tensor("a", 500)
        .tensor("b", 100)
        .tensor("out", 10)
        .weight("wa", 1000)
        .weight("wb", 2000)
        .weight("wc", 50_000)
        .node("A", 1, 0.1, List.of("in"), List.of("a"), List.of("wa"))
        .node("B", 2, 0.2, List.of("a"), List.of("b"), List.of("wb"))
        .node("C", 3, 0.3, List.of("b"), List.of("out"), List.of("wc"))
        .output("out")
        .build();
  }

  static Planner.Request request(
      CostModel model, List<NetworkProfile> networks, Constraints constraints) {
    ProfileSummary edge = new ProfileSummary("edge", null, null, 10, 6);
    ProfileSummary cloud = new ProfileSummary("cloud", "edge", 10.0, 10, 0.6);
    return new Planner.Request(
        "m.onnx", "00", edge, cloud, model, networks, constraints, List.of("note"));
  }

  /** Cost with no per-request price: only cloud milliseconds are billed. */
  private static CostModel cost() {
    return new CostModel(
        new CostParameters(0, 0, 0, 6.4, 2.7, 400, 2, 0.0000166667, 0), Objective.COST);
  }

  @Test
  void eachNetworkGetsTheBruteForceBestAndTheTableCoversEveryNetwork() {
    SplittableRandom random = new SplittableRandom(11);
    for (int round = 0; round < 40; round++) {
      CostGraph graph = OptimalCutTest.randomGraph(random, 2 + random.nextInt(7));
      CostModel model = new CostModel(CostParameters.DEFAULTS, Objective.LATENCY);
      List<NetworkProfile> networks = List.of(NetworkProfile.parse("bw=50mbit,rtt=10ms"));
      List<NetworkProfile> all = new java.util.ArrayList<>(networks);
      all.addAll(NetworkProfile.STANDARD);

      PartitionPlan plan = Planner.plan(graph, request(model, all, NONE));

      assertThat(plan.networks())
          .extracting(NetworkProfile::name)
          .containsExactly("50mbit/10ms", "2mbit/100ms", "20mbit/40ms", "200mbit/5ms");
      assertThat(plan.candidates().get(0).kind()).isEqualTo("all-edge");
      assertThat(plan.candidates().get(1).kind()).isEqualTo("all-cloud");
      for (NetworkProfile network : plan.networks()) {
        double best = Double.POSITIVE_INFINITY;
        for (Placement cut : OptimalCutTest.allCuts(graph)) {
          best = Math.min(best, model.estimate(cut, network).totalMs());
        }
        Candidate chosen = plan.candidates().get(plan.bestCandidateByNetwork().get(network.name()));
        assertThat(chosen.predictions().get(network.name()).totalMs())
            .isCloseTo(best, within(1e-9));
        assertThat(chosen.bestFor()).contains(network.name());
        for (Candidate c : plan.candidates()) {
          assertThat(c.predictions()).containsKey(network.name());
          assertThat(c.predictions().get(network.name()).totalMs())
              .isGreaterThanOrEqualTo(best - 1e-9);
        }
      }
      assertThat(plan.chosen().candidate())
          .isEqualTo(plan.bestCandidateByNetwork().get("50mbit/10ms"));
      assertThat(plan.feasible()).isTrue();
    }
  }

  @Test
  void sloMakesTheCheapestPlanThatIsFastEnough() {
    // Cost: all-edge is free but takes 6 ms. Head {A}: 2.01 ms, 0.5 cloud ms; head {A,B}: 3.41
    // ms, 0.3 cloud ms; all-cloud: 100.61 ms.
    PartitionPlan within4 =
        Planner.plan(chain(), request(cost(), List.of(FAST), new Constraints(4.0, null)));
    assertThat(within4.chosen().headNodes()).containsExactly("A", "B");
    assertThat(within4.chosen().prediction().totalMs()).isCloseTo(3.41, within(1e-9));
    assertThat(within4.feasible()).isTrue();

    PartitionPlan within3 =
        Planner.plan(chain(), request(cost(), List.of(FAST), new Constraints(3.0, null)));
    assertThat(within3.chosen().headNodes()).containsExactly("A");

    PartitionPlan free = Planner.plan(chain(), request(cost(), List.of(FAST), NONE));
    assertThat(free.chosen().headNodes()).containsExactly("A", "B", "C");
  }

  @Test
  void impossibleSloIsReportedWithTheBestCut() {
    PartitionPlan plan =
        Planner.plan(chain(), request(cost(), List.of(FAST), new Constraints(1.0, null)));

    assertThat(plan.feasible()).isFalse();
    // The cheapest cut, all-edge, and what it breaks.
    assertThat(plan.chosen().headNodes()).containsExactly("A", "B", "C");
    assertThat(plan.chosen().prediction().violation())
        .isEqualTo("latency 6.000 ms exceeds the SLO of 1.000 ms");
  }

  @Test
  void memoryLimitMovesWeightsToTheCloud() {
    CostModel latency =
        new CostModel(CostParameters.DEFAULTS.withSerialisationNsPerByte(0), Objective.LATENCY);
    NetworkProfile slowStart = network(0.001, 5);
    // Unconstrained all-edge (6 ms) beats head {A} (7.01 ms). All-edge needs 53000 B of weights
    // + 100500 B of activations (in and a live together) = 153500 B; head {A} 1000 + 100500.
    PartitionPlan free = Planner.plan(chain(), request(latency, List.of(slowStart), NONE));
    assertThat(free.chosen().tailNodes()).isEmpty();
    assertThat(free.candidates().get(0).headMemoryBytes()).isEqualTo(153_500);

    PartitionPlan limited =
        Planner.plan(
            chain(), request(latency, List.of(slowStart), new Constraints(null, 120_000L)));
    assertThat(limited.chosen().headNodes()).containsExactly("A");
    assertThat(limited.chosen().tensors()).containsExactly("a");
    assertThat(limited.chosen().prediction().totalMs()).isCloseTo(7.01, within(1e-9));
    assertThat(limited.candidates().get(0).predictions().get(slowStart.name()).violation())
        .isEqualTo("head needs 153500 bytes of gateway memory, the limit is 120000");
  }

  @Test
  void planSurvivesAJsonRoundTrip(@TempDir Path dir) throws Exception {
    PartitionPlan plan =
        Planner.plan(
            chain(),
            request(
                cost(),
                List.of(FAST, NetworkProfile.parse("bw=2mbit,rtt=100ms")),
                new Constraints(4.0, 1L << 20)));
    Path file = dir.resolve("out/plan.json");
    plan.write(file);

    assertThat(PartitionPlan.read(file)).isEqualTo(plan);
    assertThat(java.nio.file.Files.readString(file))
        .contains(
            "\"schemaVersion\" : 1", "\"objective\" : \"cost\"", "\"bestCandidateByNetwork\"");
  }
}
