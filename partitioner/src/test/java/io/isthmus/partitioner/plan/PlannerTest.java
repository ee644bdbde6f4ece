package io.isthmus.partitioner.plan;

import static io.isthmus.partitioner.plan.TestGraphs.network;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isthmus.partitioner.plan.PartitionPlan.Candidate;
import io.isthmus.partitioner.plan.PartitionPlan.Constraints;
import io.isthmus.partitioner.plan.PartitionPlan.ProfileSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {
  private static final Constraints NONE = new Constraints(null, null);
  private static final NetworkProfile FAST = network(0.001, 0);

  /** in(100000) -> A(weight 1000) -> a(500) -> B(2000) -> b(100) -> C(50000) -> out(10). */
  private static CostGraph chain() {
    return chain(1);
  }

  /** {@link #chain()} with gateway times divided by {@code speedUp}. */
  private static CostGraph chain(double speedUp) {
    return new TestGraphs()
        .tensor("in", 100_000)
        .tensor("a", 500)
        .tensor("b", 100)
        .tensor("out", 10)
        .weight("wa", 1000)
        .weight("wb", 2000)
        .weight("wc", 50_000)
        .node("A", 1 / speedUp, 0.1, List.of("in"), List.of("a"), List.of("wa"))
        .node("B", 2 / speedUp, 0.2, List.of("a"), List.of("b"), List.of("wb"))
        .node("C", 3 / speedUp, 0.3, List.of("b"), List.of("out"), List.of("wc"))
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

  @Test
  void anInt8HeadIsChosenWhenItIsFasterAndAgreesEnough(@TempDir Path dir) throws Exception {
    CostModel model = TestGraphs.latency();
    Planner.Request request = request(model, List.of(FAST), NONE);
    PartitionPlan floatPlan = Planner.plan(chain(), request);
    PartitionPlan int8Plan = Planner.plan(chain(4), request);
    Map<Integer, Double> agreement = new java.util.HashMap<>();
    int8Plan.candidates().forEach(c -> agreement.put(c.index(), 0.995));

    PartitionPlan plan = Planner.withInt8Heads(floatPlan, int8Plan, agreement, 0.99, "int8 note");

    // float: all-edge, all-cloud, the cut after A; int8: all-edge and the cut after A (no
    // all-cloud: it has no head)
    assertThat(plan.candidates())
        .extracting(Candidate::index, Candidate::precision, Candidate::kind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, "float", "all-edge"),
            org.assertj.core.groups.Tuple.tuple(1, "float", "all-cloud"),
            org.assertj.core.groups.Tuple.tuple(2, "float", "split"),
            org.assertj.core.groups.Tuple.tuple(3, "int8", "all-edge"),
            org.assertj.core.groups.Tuple.tuple(4, "int8", "split"));
    Candidate chosen = plan.candidates().get(plan.chosen().candidate());
    assertThat(chosen.precision()).isEqualTo("int8");
    // float: the cut after A (1 + 0.51 + 0.5 ms) beats the one after B (3 + 0.11 + 0.3 ms); int8
    // moves the cut: A and B take 0.75 ms, then 100 bytes out and 10 back, and C's 0.3 ms
    assertThat(plan.candidates().get(2).headNodes()).containsExactly("A");
    assertThat(chosen.headNodes()).containsExactly("A", "B");
    assertThat(plan.chosen().prediction().totalMs()).isCloseTo(0.75 + 0.11 + 0.3, within(1e-9));
    assertThat(plan.chosen().precision()).isEqualTo("int8");
    assertThat(chosen.bestFor()).containsExactly(FAST.name());
    assertThat(plan.candidates().get(2).bestFor()).isEmpty();
    assertThat(chosen.agreement()).isEqualTo(0.995);
    assertThat(plan.candidates().get(2).agreement()).isNull();
    assertThat(plan.warnings()).contains("note", "int8 note");

    Path file = dir.resolve("plan.json");
    plan.write(file);
    assertThat(PartitionPlan.read(file)).isEqualTo(plan);
    assertThat(PlanTable.render(plan))
        .contains("with an int8 head")
        .containsPattern("4  b\\s.*  int8    0\\.9950 ");
  }

  @Test
  void anInt8HeadBelowTheAgreementLimitOrNoFasterIsNotChosen() {
    CostModel model = TestGraphs.latency();
    Planner.Request request = request(model, List.of(FAST), NONE);
    PartitionPlan floatPlan = Planner.plan(chain(), request);

    PartitionPlan int8Plan = Planner.plan(chain(4), request);
    Map<Integer, Double> low = new java.util.HashMap<>();
    int8Plan.candidates().forEach(c -> low.put(c.index(), 0.98));
    PartitionPlan inaccurate = Planner.withInt8Heads(floatPlan, int8Plan, low, 0.99, "n");
    assertThat(inaccurate.chosen().precision()).isEqualTo("float");
    assertThat(inaccurate.chosen().headNodes()).containsExactly("A");
    assertThat(inaccurate.candidates()).filteredOn(Candidate::int8).hasSize(2);

    // An int8 model no faster: the tie goes to float.
    PartitionPlan same = Planner.plan(chain(), request);
    Map<Integer, Double> full = new java.util.HashMap<>();
    same.candidates().forEach(c -> full.put(c.index(), 1.0));
    PartitionPlan tie = Planner.withInt8Heads(floatPlan, same, full, 0.99, "n");
    assertThat(tie.chosen().precision()).isEqualTo("float");
    assertThat(tie.chosen().candidate()).isEqualTo(floatPlan.chosen().candidate());
  }
}
