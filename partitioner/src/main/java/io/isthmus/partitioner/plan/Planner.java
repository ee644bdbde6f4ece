package io.isthmus.partitioner.plan;

import io.isthmus.partitioner.plan.PartitionPlan.Candidate;
import io.isthmus.partitioner.plan.PartitionPlan.Chosen;
import io.isthmus.partitioner.plan.PartitionPlan.Constraints;
import io.isthmus.partitioner.plan.PartitionPlan.Prediction;
import io.isthmus.partitioner.plan.PartitionPlan.ProfileSummary;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.Predicate;

/**
 * Chooses cuts: for each network, the cut of least objective that keeps the constraints.
 *
 * <p>Without constraints that cut is the minimum cut of {@link OptimalCut}, which is optimal. With
 * constraints the planner also collects the minimum cuts of the objective plus weighted latency
 * (for an SLO) and weighted head weight bytes (for a memory limit), a Lagrangian relaxation, and
 * chooses the best of these and all-edge and all-cloud that keeps the constraints; this finds the
 * constrained optimum when it lies on the relaxation's lower hull and is a heuristic otherwise.
 * When no cut keeps the constraints it reports the cut of least objective as infeasible, saying
 * what it breaks.
 */
public final class Planner {
  /** Weights tried for two constraints at once, relative to the objective's scale. */
  private static final double[] GRID = {1e-4, 1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4};

  private static final int BISECTIONS = 25;

  /**
   * What to plan.
   *
   * @param model the model's file name
   * @param modelSha256 its sha256
   * @param edge where the gateway's times come from
   * @param cloud where the cloud's times come from
   * @param costModel the cost model and its objective
   * @param networks the networks to predict on; the first is the one the chosen cut is for
   * @param constraints the limits; fields null when not set
   * @param warnings notes to carry into the plan
   */
  public record Request(
      String model,
      String modelSha256,
      ProfileSummary edge,
      ProfileSummary cloud,
      CostModel costModel,
      List<NetworkProfile> networks,
      Constraints constraints,
      List<String> warnings) {
    public Request {
      if (networks.isEmpty()) {
        throw new IllegalArgumentException("A plan needs at least one network");
      }
      networks = List.copyOf(networks);
      warnings = List.copyOf(warnings);
    }
  }

  private Planner() {}

  /** Plans {@code graph}. */
  public static PartitionPlan plan(CostGraph graph, Request request) {
    CostModel model = request.costModel();
    List<NetworkProfile> networks = distinct(request.networks());
    Map<BitSet, Placement> pool = new LinkedHashMap<>();
    add(pool, Placement.allEdge(graph));
    add(pool, Placement.allCloud(graph));
    for (NetworkProfile network : networks) {
      search(graph, model, network, request.constraints()).forEach(c -> add(pool, c));
    }

    Map<BitSet, Placement> rows = new LinkedHashMap<>();
    add(rows, Placement.allEdge(graph));
    add(rows, Placement.allCloud(graph));
    Map<String, BitSet> bestHead = new LinkedHashMap<>();
    for (NetworkProfile network : networks) {
      Placement best = best(pool.values(), model, network, request.constraints());
      add(rows, best);
      bestHead.put(network.name(), best.head());
    }

    List<BitSet> order = new ArrayList<>(rows.keySet());
    List<Candidate> candidates = new ArrayList<>();
    Map<String, Integer> bestByNetwork = new LinkedHashMap<>();
    bestHead.forEach((name, head) -> bestByNetwork.put(name, order.indexOf(head)));
    for (int i = 0; i < order.size(); i++) {
      int index = i;
      List<String> bestFor =
          bestByNetwork.entrySet().stream()
              .filter(e -> e.getValue() == index)
              .map(Map.Entry::getKey)
              .toList();
      candidates.add(
          candidate(i, rows.get(order.get(i)), bestFor, model, networks, request.constraints()));
    }

    NetworkProfile primary = networks.get(0);
    Candidate chosenRow = candidates.get(bestByNetwork.get(primary.name()));
    Prediction prediction = chosenRow.predictions().get(primary.name());
    Chosen chosen = Chosen.of(chosenRow, primary.name());
    List<String> warnings = new ArrayList<>(request.warnings());
    warnings.addAll(graph.warnings());
    return new PartitionPlan(
        PartitionPlan.SCHEMA_VERSION,
        request.model(),
        request.modelSha256(),
        request.edge(),
        request.cloud(),
        model.objective().name().toLowerCase(Locale.ROOT),
        model.objective().unit(),
        model.parameters(),
        request.constraints(),
        networks,
        chosen,
        candidates,
        bestByNetwork,
        prediction.feasible(),
        warnings);
  }

  /**
   * One plan with a choice of head precision, from a plan of the model as given ({@code floatPlan})
   * and a plan of the same model with the gateway's times of its int8 version ({@code int8Plan}):
   * the candidates of both, the int8 ones after the float ones and without all-cloud (which has no
   * head), each int8 candidate with its {@code agreement} with the float model (by its index in
   * {@code int8Plan}). On each network the best candidate is chosen as {@link #plan} chooses, among
   * the float candidates and the int8 candidates whose agreement is at least {@code minAgreement};
   * on a tie the float candidate wins.
   *
   * @param note what the int8 figures rest on, added to the warnings
   * @throws IllegalArgumentException if the plans are of different models or networks, or an int8
   *     candidate with a head has no agreement
   */
  public static PartitionPlan withInt8Heads(
      PartitionPlan floatPlan,
      PartitionPlan int8Plan,
      Map<Integer, Double> agreement,
      double minAgreement,
      String note) {
    if (!floatPlan.modelSha256().equals(int8Plan.modelSha256())
        || !floatPlan.networks().equals(int8Plan.networks())) {
      throw new IllegalArgumentException("Both plans must be of one model on the same networks");
    }
    List<Candidate> rows = new ArrayList<>();
    for (Candidate c : floatPlan.candidates()) {
      rows.add(ranked(c, rows.size(), List.of(), PartitionPlan.FLOAT, null));
    }
    for (Candidate c : int8Plan.candidates()) {
      if (c.headNodes().isEmpty()) {
        continue;
      }
      Double a = agreement.get(c.index());
      if (a == null) {
        throw new IllegalArgumentException("No agreement for int8 candidate " + c.index());
      }
      rows.add(ranked(c, rows.size(), List.of(), PartitionPlan.INT8, a));
    }
    Map<String, Integer> bestByNetwork = new LinkedHashMap<>();
    for (NetworkProfile network : floatPlan.networks()) {
      Candidate best = null;
      for (Candidate c : rows) {
        if (c.int8() && c.agreement() < minAgreement) {
          continue;
        }
        Prediction p = c.predictions().get(network.name());
        Prediction b = best == null ? null : best.predictions().get(network.name());
        if (b == null
            || p.feasible() && !b.feasible()
            || p.feasible() == b.feasible() && p.objective() < b.objective()) {
          best = c;
        }
      }
      bestByNetwork.put(network.name(), best.index());
    }
    List<Candidate> candidates = new ArrayList<>();
    for (Candidate c : rows) {
      List<String> bestFor =
          bestByNetwork.entrySet().stream()
              .filter(e -> e.getValue() == c.index())
              .map(Map.Entry::getKey)
              .toList();
      candidates.add(ranked(c, c.index(), bestFor, c.precision(), c.agreement()));
    }
    NetworkProfile primary = floatPlan.networks().get(0);
    Candidate chosenRow = candidates.get(bestByNetwork.get(primary.name()));
    Prediction prediction = chosenRow.predictions().get(primary.name());
    List<String> warnings = new ArrayList<>(floatPlan.warnings());
    warnings.add(note);
    return new PartitionPlan(
        PartitionPlan.SCHEMA_VERSION,
        floatPlan.model(),
        floatPlan.modelSha256(),
        floatPlan.edge(),
        floatPlan.cloud(),
        floatPlan.objective(),
        floatPlan.objectiveUnit(),
        floatPlan.parameters(),
        floatPlan.constraints(),
        floatPlan.networks(),
        Chosen.of(chosenRow, primary.name()),
        candidates,
        bestByNetwork,
        prediction.feasible(),
        warnings);
  }

  /** {@code c} at {@code index}, best for {@code bestFor}, with the given precision. */
  private static Candidate ranked(
      Candidate c, int index, List<String> bestFor, String precision, Double agreement) {
    return new Candidate(
        index,
        c.kind(),
        bestFor,
        c.tensors(),
        c.headOutputs(),
        c.headNodes(),
        c.tailNodes(),
        c.bytesSent(),
        c.bytesReturned(),
        c.edgeMs(),
        c.cloudMs(),
        c.headMemoryBytes(),
        c.predictions(),
        precision,
        agreement);
  }

  /**
   * The minimum cuts worth considering on {@code network} under {@code constraints}: of the
   * objective alone; with an SLO, of the objective plus a weight on latency, bisecting for the
   * least weight whose cut keeps the SLO; with a memory limit, likewise with a weight on the head's
   * weight bytes; with both, a grid of the two weights. Weights are scaled to the objective's size
   * on this network.
   */
  static List<Placement> search(
      CostGraph graph, CostModel model, NetworkProfile network, Constraints constraints) {
    List<Placement> cuts = new ArrayList<>();
    cuts.add(OptimalCut.find(graph, model.weights(network, 0, 0)));
    CostModel.Estimate edge = model.estimate(Placement.allEdge(graph), network);
    CostModel.Estimate cloud = model.estimate(Placement.allCloud(graph), network);
    double size = edge.objective() + cloud.objective();
    double latencyUnit = unit(size / (edge.totalMs() + cloud.totalMs()));
    long weightBytes = graph.weightBytes().values().stream().mapToLong(Long::longValue).sum();
    double memoryUnit = unit(size / Math.max(1, weightBytes));
    Double slo = model.objective() == Objective.LATENCY ? null : constraints.sloMs();
    Long memory = constraints.edgeMemoryBytes();
    if (slo != null) {
      bisect(
          latencyUnit,
          lambda -> OptimalCut.find(graph, model.weights(network, lambda, 0)),
          cut -> model.estimate(cut, network).totalMs() <= slo,
          cuts);
    }
    if (memory != null) {
      bisect(
          memoryUnit,
          mu -> OptimalCut.find(graph, model.weights(network, 0, mu)),
          cut -> cut.headMemoryBytes() <= memory,
          cuts);
    }
    if (slo != null && memory != null) {
      for (double lambda : GRID) {
        for (double mu : GRID) {
          cuts.add(
              OptimalCut.find(
                  graph, model.weights(network, lambda * latencyUnit, mu * memoryUnit)));
        }
      }
    }
    return cuts;
  }

  /**
   * Bisects the weight, on a log scale from 10^-6 to 10^6 units, for the least one whose cut {@code
   * keeps} the constraint, adding every cut it meets to {@code cuts}.
   */
  private static void bisect(
      double unit,
      DoubleFunction<Placement> cutFor,
      Predicate<Placement> keeps,
      List<Placement> cuts) {
    double lo = Math.log10(unit) - 6;
    double hi = Math.log10(unit) + 6;
    Placement strongest = cutFor.apply(Math.pow(10, hi));
    cuts.add(strongest);
    if (!keeps.test(strongest)) {
      return;
    }
    for (int i = 0; i < BISECTIONS; i++) {
      double mid = (lo + hi) / 2;
      Placement cut = cutFor.apply(Math.pow(10, mid));
      cuts.add(cut);
      if (keeps.test(cut)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
  }

  /** The feasible cut of least objective on {@code network}, or the cut of least objective. */
  static Placement best(
      Iterable<Placement> cuts, CostModel model, NetworkProfile network, Constraints constraints) {
    Placement best = null;
    double bestValue = Double.POSITIVE_INFINITY;
    boolean bestFeasible = false;
    for (Placement cut : cuts) {
      CostModel.Estimate estimate = model.estimate(cut, network);
      boolean feasible = violation(cut, estimate, constraints) == null;
      if (best == null
          || feasible && !bestFeasible
          || feasible == bestFeasible && estimate.objective() < bestValue) {
        best = cut;
        bestValue = estimate.objective();
        bestFeasible = feasible;
      }
    }
    return best;
  }

  private static Candidate candidate(
      int index,
      Placement cut,
      List<String> bestFor,
      CostModel model,
      List<NetworkProfile> networks,
      Constraints constraints) {
    Map<String, Prediction> predictions = new LinkedHashMap<>();
    for (NetworkProfile network : networks) {
      CostModel.Estimate e = model.estimate(cut, network);
      String violation = violation(cut, e, constraints);
      predictions.put(
          network.name(),
          new Prediction(
              e.edgeMs(),
              e.serialisationMs(),
              e.transferMs(),
              e.fixedMs(),
              e.cloudMs(),
              e.totalMs(),
              e.energyMj(),
              e.cloudCost(),
              e.objective(),
              violation == null,
              violation));
    }
    String kind = cut.isAllEdge() ? "all-edge" : cut.isAllCloud() ? "all-cloud" : "split";
    return new Candidate(
        index,
        kind,
        bestFor,
        cut.sent().stream().map(CostTensor::name).toList(),
        cut.headOutputs().stream().map(CostTensor::name).toList(),
        cut.headNodes(),
        cut.tailNodes(),
        cut.bytesSent(),
        cut.bytesReturned(),
        cut.edgeMs(),
        cut.cloudMs(),
        cut.headMemoryBytes(),
        predictions,
        PartitionPlan.FLOAT,
        null);
  }

  /** What {@code cut} breaks, or null. */
  private static String violation(
      Placement cut, CostModel.Estimate estimate, Constraints constraints) {
    List<String> broken = new ArrayList<>();
    if (constraints.sloMs() != null && estimate.totalMs() > constraints.sloMs()) {
      broken.add(
          String.format(
              "latency %.3f ms exceeds the SLO of %.3f ms",
              estimate.totalMs(), constraints.sloMs()));
    }
    if (constraints.edgeMemoryBytes() != null
        && cut.headMemoryBytes() > constraints.edgeMemoryBytes()) {
      broken.add(
          "head needs "
              + cut.headMemoryBytes()
              + " bytes of gateway memory, the limit is "
              + constraints.edgeMemoryBytes());
    }
    return broken.isEmpty() ? null : String.join("; ", broken);
  }

  private static List<NetworkProfile> distinct(List<NetworkProfile> networks) {
    Map<String, NetworkProfile> byName = new LinkedHashMap<>();
    for (NetworkProfile n : networks) {
      byName.putIfAbsent(n.name(), n);
    }
    return List.copyOf(byName.values());
  }

  private static void add(Map<BitSet, Placement> cuts, Placement cut) {
    cuts.putIfAbsent(cut.head(), cut);
  }

  private static double unit(double scale) {
    return scale > 0 && Double.isFinite(scale) ? scale : 1;
  }
}
