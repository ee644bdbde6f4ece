package io.isthmus.partitioner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.inference.testing.TestModels;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.plan.PartitionPlan.Candidate;
import io.isthmus.partitioner.plan.PartitionPlan.Constraints;
import io.isthmus.partitioner.profile.Profile;
import io.isthmus.partitioner.profile.Profiler;
import io.isthmus.partitioner.profile.Profiles;
import io.isthmus.partitioner.runtime.InputShapes;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Plans real models with a profile measured here as the gateway and a cloud derived from it at
 * speed factor 8, on the three standard networks. The expectations come from the profile.
 */
class RealModelPlanTest {
  @ParameterizedTest
  @CsvSource({"blazeface-front-128, ''", "pp-ocr-cls, x=1x3x48x192"})
  void chosenCutsAreAtLeastAsGoodAsEveryPrefixCut(String id, String shape) throws Exception {
    Path file = TestModels.require(id);
    Map<String, long[]> shapes =
        shape.isEmpty()
            ? Map.of()
            : Map.of(
                shape.split("=")[0],
                java.util.Arrays.stream(shape.split("=")[1].split("x"))
                    .mapToLong(Long::parseLong)
                    .toArray());
    Profile edge =
        new Profiler(new Profiler.Settings(10, 3, 1, "basic", shapes)).profile(file, "here");
    Profile cloud = Profiles.derive(edge, 8, "cloud");
    CostGraph graph = CostGraphs.fromOnnx(ModelGraph.load(file, graphShapes(shape)), edge, cloud);
    CostModel model = new CostModel(CostParameters.DEFAULTS, Objective.LATENCY);

    PartitionPlan plan =
        Planner.plan(
            graph,
            new Planner.Request(
                file.getFileName().toString(),
                edge.modelSha256(),
                new PartitionPlan.ProfileSummary("here", null, null, edge.runs(), edge.totalMs()),
                new PartitionPlan.ProfileSummary(
                    "cloud", "here", 8.0, edge.runs(), cloud.totalMs()),
                model,
                NetworkProfile.STANDARD,
                new Constraints(null, null),
                java.util.List.of()));

    assertThat(graph.warnings()).isEmpty();
    // All-cloud sends the input at the shape it was profiled with.
    assertThat(plan.candidates().get(1).bytesSent())
        .isEqualTo(edge.inputBytes().values().stream().mapToLong(Long::longValue).sum());
    for (NetworkProfile network : NetworkProfile.STANDARD) {
      Candidate chosen = plan.candidates().get(plan.bestCandidateByNetwork().get(network.name()));
      double total = chosen.predictions().get(network.name()).totalMs();
      // Every topological prefix is a cut; the minimum cut searches a superset of them.
      BitSet head = new BitSet();
      for (int v = 0; v <= graph.size(); v++) {
        double prefix = model.estimate(Placement.of(graph, head), network).totalMs();
        assertThat(total)
            .as("%s on %s vs prefix %d", id, network.name(), v)
            .isLessThanOrEqualTo(prefix + 1e-9);
        head.set(v);
      }
      // Any plan that uses the cloud pays the RTT: a model faster than that stays on the gateway.
      if (edge.totalMs() < network.rttMs()) {
        assertThat(chosen.kind()).as("%s on %s", id, network.name()).isEqualTo("all-edge");
      }
      System.out.printf(
          "%s on %s: %s, %.3f ms predicted (all-edge %.3f ms, all-cloud %.3f ms)%n",
          id,
          network.name(),
          chosen.kind().equals("split") ? chosen.tensors() : chosen.kind(),
          total,
          plan.candidates().get(0).predictions().get(network.name()).totalMs(),
          plan.candidates().get(1).predictions().get(network.name()).totalMs());
    }
    // On 2 Mbit/s with 100 ms RTT these models run on the gateway in far less than the RTT.
    assertThat(edge.totalMs()).isLessThan(100);
  }

  @ParameterizedTest
  @CsvSource({"blazeface-front-128, ''", "pp-ocr-cls, x=1x3x48x192"})
  void aTenTimesSlowerGatewayOnAFastLinkSplitsOrOffloadsWhenThatPays(String id, String shape)
      throws Exception {
    Path file = TestModels.require(id);
    Map<String, long[]> shapes =
        shape.isEmpty()
            ? Map.of()
            : Map.of(
                shape.split("=")[0],
                java.util.Arrays.stream(shape.split("=")[1].split("x"))
                    .mapToLong(Long::parseLong)
                    .toArray());
    Profile here =
        new Profiler(new Profiler.Settings(10, 3, 1, "basic", shapes)).profile(file, "here");
    Profile gateway = Profiles.derive(here, 0.1, "gateway");
    CostGraph graph = CostGraphs.fromOnnx(ModelGraph.load(file, graphShapes(shape)), gateway, here);
    CostModel model = new CostModel(CostParameters.DEFAULTS, Objective.LATENCY);
    NetworkProfile lan = NetworkProfile.parse("bw=1gbit,rtt=1ms");

    Placement cut = OptimalCut.find(graph, model.weights(lan, 0, 0));

    double best = model.estimate(cut, lan).totalMs();
    double allEdge = model.estimate(Placement.allEdge(graph), lan).totalMs();
    double allCloud = model.estimate(Placement.allCloud(graph), lan).totalMs();
    assertThat(best).isLessThanOrEqualTo(Math.min(allEdge, allCloud) + 1e-9);
    if (Math.min(allCloud, best) < allEdge) {
      assertThat(cut.isAllEdge()).isFalse();
    }
    System.out.printf(
        "%s, gateway 10x slower than here, 1gbit/1ms: %s %.3f ms (all-edge %.3f, all-cloud %.3f)%n",
        id, cut, best, allEdge, allCloud);
  }

  private static InputShapes graphShapes(String shape) throws Exception {
    return shape.isEmpty() ? InputShapes.NONE : InputShapes.parse(java.util.List.of(shape));
  }
}
