package io.isthmus.agent.offload;

import io.isthmus.agent.config.SplitSettings.Candidate;
import io.isthmus.agent.config.SplitSettings.Policy;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;

/**
 * Picks, per event, the cut with the least predicted latency ({@code head ms + RTT + bytes /
 * bandwidth + cloud ms}), or the full model on the gateway ({@link #ALL_EDGE}) when its measured
 * latency is lower. When the cloud has not been used for {@code probeInterval}, the best cut is
 * taken anyway, so the estimates follow the network. Head, full-model and byte figures are moving
 * averages of what this gateway measured; the first event runs the full model, to measure it.
 * Thread-safe.
 */
final class PathChooser {
  static final int ALL_EDGE = -1;

  private final List<Candidate> candidates;
  private final Policy policy;
  private final long probeIntervalNanos;
  private final NetworkEstimator network;
  private final LongSupplier nanoClock;
  private final Ewma localMs = new Ewma(NetworkEstimator.DEFAULT_ALPHA);
  private final Ewma[] headMs;
  private final Ewma[] bytes;
  private volatile long lastOffloadNanos;

  PathChooser(
      List<Candidate> candidates,
      Policy policy,
      Duration probeInterval,
      NetworkEstimator network,
      LongSupplier nanoClock) {
    this.candidates = List.copyOf(candidates);
    this.policy = policy;
    this.probeIntervalNanos = probeInterval.toNanos();
    this.network = network;
    this.nanoClock = nanoClock;
    this.headMs = new Ewma[candidates.size()];
    this.bytes = new Ewma[candidates.size()];
    for (int i = 0; i < headMs.length; i++) {
      headMs[i] = new Ewma(NetworkEstimator.DEFAULT_ALPHA);
      bytes[i] = new Ewma(NetworkEstimator.DEFAULT_ALPHA);
    }
    this.lastOffloadNanos = nanoClock.getAsLong();
  }

  /** The candidate index to run, or {@link #ALL_EDGE}. */
  int choose() {
    if (policy == Policy.ALWAYS) {
      return 0;
    }
    OptionalDouble local = localMs.value();
    if (local.isEmpty()) {
      return ALL_EDGE; // measure what the cloud has to beat first
    }
    int best = 0;
    double bestMs = Double.MAX_VALUE;
    for (int i = 0; i < candidates.size(); i++) {
      double predicted = predictMs(i).orElse(Double.MAX_VALUE);
      if (predicted < bestMs) {
        best = i;
        bestMs = predicted;
      }
    }
    if (bestMs < local.getAsDouble()) {
      return best;
    }
    return nanoClock.getAsLong() - lastOffloadNanos >= probeIntervalNanos ? best : ALL_EDGE;
  }

  /**
   * The predicted end-to-end model latency of candidate {@code i} in ms; empty while the RTT is
   * unknown.
   */
  OptionalDouble predictMs(int i) {
    OptionalDouble remote =
        network.predictMs((long) bytes[i].value().orElse(0), candidates.get(i).cloudMs());
    if (remote.isEmpty()) {
      return remote;
    }
    return OptionalDouble.of(headMs[i].value().orElse(0) + remote.getAsDouble());
  }

  void headRan(int candidate, double ms) {
    headMs[candidate].add(ms);
  }

  void localRan(double ms) {
    localMs.add(ms);
  }

  /** An offload of candidate {@code i} answered: {@code sent} bytes both ways in {@code ms}. */
  void offloaded(int i, long sent, double ms) {
    bytes[i].add(sent);
    network.recordTransfer(sent, ms, candidates.get(i).cloudMs());
    lastOffloadNanos = nanoClock.getAsLong();
  }

  /** The measured full-model latency on the gateway, in ms. */
  OptionalDouble localMs() {
    return localMs.value();
  }
}
