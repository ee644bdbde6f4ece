package io.isthmus.partitioner.plan;

/**
 * Predicts what one inference costs with a given cut on a given network, and gives the same
 * prediction as per-node and per-tensor weights for {@link OptimalCut}.
 *
 * <p>Latency: {@code edge ms of the head + serialisation (bytes x ns/byte) + transfer (bytes x 8 /
 * bandwidth) + RTT + cold-start ms x probability + cloud ms of the tail}, where bytes are the cut
 * tensors sent plus the tail's graph outputs returned, and the last four terms vanish for the
 * all-edge plan. Energy (gateway, mJ): active watts x (edge ms + serialisation ms) + idle watts x
 * (transfer + RTT + cold start + cloud ms) + radio nJ/byte x bytes. Cost: the tail's cloud ms x
 * billed GB x price per GB-second + the price per request, for plans with a tail.
 *
 * <p>Every objective is a weighted sum of the same terms ({@link Coefficients}), linear in node
 * times and tensor bytes except for the fixed terms, which is what lets a minimum cut find the
 * optimum.
 */
public final class CostModel {
  private final CostParameters parameters;
  private final Objective objective;

  public CostModel(CostParameters parameters, Objective objective) {
    this.parameters = parameters;
    this.objective = objective;
  }

  public CostParameters parameters() {
    return parameters;
  }

  public Objective objective() {
    return objective;
  }

  /**
   * What a cut costs on a network.
   *
   * @param edgeMs the head's time on the gateway
   * @param serialisationMs writing the sent tensors and reading the returned ones
   * @param transferMs bytes on the wire / bandwidth
   * @param fixedMs RTT + cold-start ms x probability; 0 for all-edge
   * @param cloudMs the tail's time in the cloud
   * @param totalMs the predicted end-to-end latency, the sum of the five above
   * @param bytesSent the cut tensors' bytes
   * @param bytesReturned the tail's graph outputs' bytes
   * @param energyMj the gateway's energy
   * @param cloudCost the cloud's price
   * @param objective the value of the model's objective (one of total ms, energy, cloud cost)
   */
  public record Estimate(
      double edgeMs,
      double serialisationMs,
      double transferMs,
      double fixedMs,
      double cloudMs,
      double totalMs,
      long bytesSent,
      long bytesReturned,
      double energyMj,
      double cloudCost,
      double objective) {}

  /**
   * An objective as weights of the cost terms.
   *
   * @param edge per ms of gateway compute (and serialisation, which runs on the gateway CPU)
   * @param waiting per ms the gateway waits: transfer, RTT, cold start
   * @param cloud per ms of cloud compute
   * @param perByte per byte sent or returned, besides the time it takes
   * @param perRequest per plan that uses the cloud
   */
  record Coefficients(
      double edge, double waiting, double cloud, double perByte, double perRequest) {
    Coefficients plus(Coefficients o, double weight) {
      return new Coefficients(
          edge + weight * o.edge,
          waiting + weight * o.waiting,
          cloud + weight * o.cloud,
          perByte + weight * o.perByte,
          perRequest + weight * o.perRequest);
    }
  }

  /** The coefficients of {@code objective}. */
  Coefficients coefficients(Objective of) {
    CostParameters p = parameters;
    return switch (of) {
      case LATENCY -> new Coefficients(1, 1, 1, 0, 0);
      case ENERGY ->
          new Coefficients(
              p.edgeActiveWatts(),
              p.edgeIdleWatts(),
              p.edgeIdleWatts(),
              p.radioNanojoulesPerByte() * 1e-6,
              0);
      case COST ->
          new Coefficients(
              0,
              0,
              p.cloudMemoryGb() * p.cloudPricePerGbSecond() / 1000,
              0,
              p.cloudPricePerRequest());
    };
  }

  /** The cost of {@code cut} on {@code network}. */
  public Estimate estimate(Placement cut, NetworkProfile network) {
    double edgeMs = cut.edgeMs();
    if (cut.isAllEdge()) {
      return finish(edgeMs, 0, 0, 0, 0, 0, 0, false);
    }
    long sent = cut.bytesSent();
    long returned = cut.bytesReturned();
    long bytes = sent + returned;
    return finish(
        edgeMs,
        bytes * serialisationMsPerByte(),
        bytes * network.msPerByte(),
        fixedMs(network),
        cut.cloudMs(),
        sent,
        returned,
        true);
  }

  private Estimate finish(
      double edgeMs,
      double serMs,
      double transferMs,
      double fixedMs,
      double cloudMs,
      long sent,
      long returned,
      boolean usesCloud) {
    double total = edgeMs + serMs + transferMs + fixedMs + cloudMs;
    double[] values = new double[Objective.values().length];
    for (Objective of : Objective.values()) {
      Coefficients c = coefficients(of);
      values[of.ordinal()] =
          c.edge() * (edgeMs + serMs)
              + c.waiting() * (transferMs + fixedMs)
              + c.cloud() * cloudMs
              + c.perByte() * (sent + returned)
              + (usesCloud ? c.perRequest() : 0);
    }
    return new Estimate(
        edgeMs,
        serMs,
        transferMs,
        fixedMs,
        cloudMs,
        total,
        sent,
        returned,
        values[Objective.ENERGY.ordinal()],
        values[Objective.COST.ordinal()],
        values[objective.ordinal()]);
  }

  /**
   * The objective plus {@code latencyWeight} x latency plus {@code memoryWeight} x each head node's
   * weight bytes, as minimum-cut weights on {@code network}.
   */
  OptimalCut.Weights weights(NetworkProfile network, double latencyWeight, double memoryWeight) {
    Coefficients c = coefficients(objective).plus(coefficients(Objective.LATENCY), latencyWeight);
    double perByte =
        c.edge() * serialisationMsPerByte() + c.waiting() * network.msPerByte() + c.perByte();
    double fixed = c.waiting() * fixedMs(network) + c.perRequest();
    return new OptimalCut.Weights() {
      @Override
      public double edge(CostGraph graph, int v) {
        CostNode node = graph.nodes().get(v);
        long weights =
            node.weights().stream().mapToLong(w -> graph.weightBytes().getOrDefault(w, 0L)).sum();
        return c.edge() * node.edgeMs() + memoryWeight * weights;
      }

      @Override
      public double cloud(CostGraph graph, int v) {
        long returned = 0;
        for (String output : graph.nodes().get(v).outputs()) {
          CostTensor t = graph.tensors().get(output);
          returned += t.graphOutput() ? t.bytes() : 0;
        }
        return c.cloud() * graph.nodes().get(v).cloudMs() + perByte * returned;
      }

      @Override
      public double transfer(CostTensor tensor) {
        return perByte * tensor.bytes();
      }

      @Override
      public double fixed() {
        return fixed;
      }
    };
  }

  private double serialisationMsPerByte() {
    return parameters.serialisationNsPerByte() * 1e-6;
  }

  private double fixedMs(NetworkProfile network) {
    return network.rttMs() + parameters.coldStartMs() * parameters.coldStartProbability();
  }
}
