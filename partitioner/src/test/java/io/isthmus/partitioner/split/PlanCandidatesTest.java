package io.isthmus.partitioner.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.inference.testing.TestModels;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.graph.Cut;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.plan.CostGraph;
import io.isthmus.partitioner.plan.CostGraphs;
import io.isthmus.partitioner.plan.CostModel;
import io.isthmus.partitioner.plan.CostParameters;
import io.isthmus.partitioner.plan.NetworkProfile;
import io.isthmus.partitioner.plan.Objective;
import io.isthmus.partitioner.plan.PartitionPlan;
import io.isthmus.partitioner.plan.PartitionPlan.Candidate;
import io.isthmus.partitioner.plan.PartitionPlan.Constraints;
import io.isthmus.partitioner.plan.PartitionPlan.ProfileSummary;
import io.isthmus.partitioner.plan.Planner;
import io.isthmus.partitioner.profile.Profile;
import io.isthmus.partitioner.profile.Profiler;
import io.isthmus.partitioner.profile.Profiles;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.verify.Verifier;
import io.isthmus.partitioner.verify.VerifyReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Plan, split and verify as one flow on real models: the gateway's profile is measured here and
 * slowed by several speed factors, the cloud is this machine, and the plans cover networks from 2
 * Mbit/s to 10 Gbit/s, so their tables hold cuts inside the model, not only all-edge and all-cloud.
 * Every candidate of every plan splits through {@link PlanCandidates} and verifies.
 */
class PlanCandidatesTest {
  private static final List<NetworkProfile> NETWORKS = networks();

  @ParameterizedTest
  @CsvSource({"blazeface-front-128, '', false", "pp-ocr-cls, 'x=1,3,48,192', true"})
  void everyCandidateOfThePlansSplitsAndVerifies(String id, String shape, boolean splitsPay)
      throws Exception {
    Path file = TestModels.require(id);
    InputShapes shapes = shape.isEmpty() ? InputShapes.NONE : InputShapes.parse(List.of(shape));
    Map<String, long[]> profileShapes = new LinkedHashMap<>();
    if (!shape.isEmpty()) {
      profileShapes.put(
          shape.split("=")[0],
          Arrays.stream(shape.split("=")[1].split(",")).mapToLong(Long::parseLong).toArray());
    }
    ModelGraph graph = ModelGraph.load(file, shapes);
    Profile here =
        new Profiler(new Profiler.Settings(10, 3, 1, "basic", profileShapes)).profile(file, "here");

    Map<Set<String>, Candidate> splits = new LinkedHashMap<>();
    List<String> kinds = new ArrayList<>();
    List<PartitionPlan> plans = new ArrayList<>();
    for (double factor : new double[] {0.5, 0.2, 0.12, 0.1, 0.08, 0.06, 0.04}) {
      Profile gateway = Profiles.derive(here, factor, "gateway");
      for (Objective objective : Objective.values()) {
        plans.add(plan(file, graph, gateway, here, factor, objective, null));
      }
      // A gateway with less memory than the whole model needs must offload part of it.
      long allEdge = plans.get(0).candidates().get(0).headMemoryBytes();
      plans.add(plan(file, graph, gateway, here, factor, Objective.LATENCY, allEdge / 2));
    }
    for (PartitionPlan plan : plans) {
      for (Candidate c : plan.candidates()) {
        kinds.add(c.kind());
        if (c.kind().equals("split")) {
          splits.putIfAbsent(new HashSet<>(c.headNodes()), c);
        }
      }
      // --network picks the network's best row; no option the chosen one.
      for (NetworkProfile network : NETWORKS) {
        assertThat(PlanCandidates.select(plan, network.name(), null).index())
            .isEqualTo(plan.bestCandidateByNetwork().get(network.name()));
      }
      assertThat(PlanCandidates.select(plan, null, null).index())
          .isEqualTo(plan.chosen().candidate());
    }
    assertThat(kinds).contains("all-edge", "all-cloud");
    // BlazeFace returns 61 KB of outputs on every path through the cloud, and its smallest
    // crossing set (48 KB) lies after 63% of its gateway time: a split beats all-edge only when the
    // gateway's whole time exceeds the time 297 KB take on the link, and beats all-cloud only when
    // it is
    // below that of 233 KB, so no
    // speed factor or network makes one pay, and its plans hold only all-edge and all-cloud.
    assertThat(splits.isEmpty()).as("split candidates of %s", id).isEqualTo(!splitsPay);
    for (Candidate candidate : splits.values()) {
      System.out.printf(
          "%s: split candidate %s, %d of %d nodes on the gateway%n",
          id, candidate.tensors(), candidate.headNodes().size(), graph.nodes().size());
    }

    CutFinder finder = new CutFinder(graph);
    try (Verifier verifier = Verifier.open(graph.model(), id, shapes)) {
      for (Candidate candidate : splits.values()) {
        Cut cut = PlanCandidates.cutOf(finder, candidate);
        // The splitter's cut sends what the planner priced: the same tensors (graph inputs the
        // tail reads are pass-through there), and the same head apart from Constant nodes.
        List<String> crossing = new ArrayList<>(cut.tensors());
        crossing.addAll(cut.passThrough());
        assertThat(crossing).containsAll(candidate.tensors());
        assertThat(cut.headNodes()).containsAll(candidate.headNodes());
        assertThat(cut.tailNodes()).containsAll(candidate.tailNodes());

        SplitModels split = Splitter.split(graph, cut);
        VerifyReport report =
            verifier.verify(
                split.head().toByteArray(),
                split.tail().toByteArray(),
                List.of(verifier.randomInputs(1), verifier.randomInputs(2)));
        assertThat(report.maxDiffByOutput().keySet()).containsExactlyElementsOf(graph.outputs());
        assertThat(report.maxDiff())
            .as("%s at candidate %s", id, candidate.tensors())
            .isLessThanOrEqualTo(Verifier.TOLERANCE);
      }
    }
    System.out.printf(
        "%s: %d plans, %d split candidates verified%n", id, plans.size(), splits.size());
  }

  @ParameterizedTest
  @CsvSource({"blazeface-front-128"})
  void allEdgeAndAllCloudAndUnknownSelectionsAreClearErrors(String id) throws Exception {
    Path file = TestModels.require(id);
    ModelGraph graph = ModelGraph.load(file);
    Profile here =
        new Profiler(new Profiler.Settings(3, 1, 1, "basic", Map.of())).profile(file, "here");
    PartitionPlan plan = plan(file, graph, here, here, 1, Objective.LATENCY, null);
    CutFinder finder = new CutFinder(graph);

    assertThatThrownBy(() -> PlanCandidates.cutOf(finder, plan.candidates().get(0)))
        .isInstanceOf(PartitionException.class)
        .hasMessageContaining("Candidate 0 is all-edge: there is nothing to split")
        .hasMessageContaining("on the gateway");
    assertThatThrownBy(() -> PlanCandidates.cutOf(finder, plan.candidates().get(1)))
        .hasMessageContaining("Candidate 1 is all-cloud")
        .hasMessageContaining("in the cloud");
    assertThatThrownBy(() -> PlanCandidates.select(plan, null, plan.candidates().size()))
        .hasMessageContaining("not " + plan.candidates().size());
    assertThatThrownBy(() -> PlanCandidates.select(plan, "3g/300ms", null))
        .hasMessageContaining("no network named 3g/300ms")
        .hasMessageContaining("2mbit/100ms");
  }

  private static PartitionPlan plan(
      Path file,
      ModelGraph graph,
      Profile gateway,
      Profile cloud,
      double factor,
      Objective objective,
      Long edgeMemory) {
    CostGraph costs = CostGraphs.fromOnnx(graph, gateway, cloud);
    return Planner.plan(
        costs,
        new Planner.Request(
            file.getFileName().toString(),
            cloud.modelSha256(),
            new ProfileSummary("gateway", "here", factor, gateway.runs(), gateway.totalMs()),
            new ProfileSummary("here", null, null, cloud.runs(), cloud.totalMs()),
            new CostModel(CostParameters.DEFAULTS, objective),
            NETWORKS,
            new Constraints(null, edgeMemory),
            List.of()));
  }

  private static List<NetworkProfile> networks() {
    List<NetworkProfile> all = new ArrayList<>(NetworkProfile.STANDARD);
    for (String spec :
        List.of(
            "bw=1gbit,rtt=1ms", "bw=10gbit,rtt=0ms", "bw=500mbit,rtt=1ms", "bw=50mbit,rtt=2ms")) {
      all.add(NetworkProfile.parse(spec));
    }
    return all;
  }
}
