package io.isthmus.partitioner.split;

import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.graph.Cut;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.plan.PartitionPlan;
import io.isthmus.partitioner.plan.PartitionPlan.Candidate;

/**
 * Turns the candidates of a {@code plan.json} into cuts the {@link Splitter} takes, so that plan,
 * split and verify are one flow: a candidate's head node set goes through {@link
 * CutFinder#cutAtHead}, which checks it against the graph model and gives the crossing tensors with
 * their shapes.
 */
public final class PlanCandidates {
  private PlanCandidates() {}

  /**
   * The candidate to split at: the one named by {@code index} if given, else the best one for the
   * network named {@code network} if given, else the plan's chosen cut.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} for an index out of range or a network the
   *     plan has no prediction for
   */
  public static Candidate select(PartitionPlan plan, String network, Integer index)
      throws PartitionException {
    if (index != null) {
      if (index < 0 || index >= plan.candidates().size()) {
        throw new PartitionException(
            Code.BAD_INPUT,
            "The plan has candidates 0 to "
                + (plan.candidates().size() - 1)
                + ", not "
                + index
                + ". See the table `partition plan` prints");
      }
      return plan.candidates().get(index);
    }
    if (network != null) {
      Integer best = plan.bestCandidateByNetwork().get(network);
      if (best == null) {
        throw new PartitionException(
            Code.BAD_INPUT,
            "The plan has no network named "
                + network
                + "; it has "
                + plan.bestCandidateByNetwork().keySet());
      }
      return plan.candidates().get(best);
    }
    return plan.candidates().get(plan.chosen().candidate());
  }

  /**
   * The cut of a split candidate.
   *
   * @throws PartitionException {@link Code#CUT_NOT_SEPARATING} for all-edge or all-cloud (nothing
   *     to split: run the whole model on that side) or a head that does not fit this model (a plan
   *     of another model), {@link Code#UNKNOWN_TENSOR} for a head node the model lacks
   */
  public static Cut cutOf(CutFinder finder, Candidate candidate) throws PartitionException {
    if (!"split".equals(candidate.kind())) {
      throw new PartitionException(
          Code.CUT_NOT_SEPARATING,
          "Candidate "
              + candidate.index()
              + " is "
              + candidate.kind()
              + ": there is nothing to split; run the whole model "
              + ("all-edge".equals(candidate.kind()) ? "on the gateway" : "in the cloud")
              + ", or pick a split candidate with --candidate");
    }
    return finder.cutAtHead(candidate.headNodes());
  }
}
