package io.isthmus.sim.report;

import io.isthmus.protocol.v1.InferenceResult;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What happened to one event the simulator sent.
 *
 * @param key device and sequence number
 * @param label the profile's ground-truth label ({@code healthy}, {@code fault}, {@code speech}...)
 * @param faultInjected whether the simulator injected a fault into this event
 * @param sentAtUs when it was sent, microseconds since the Unix epoch (the event's {@code ts})
 * @param sentOffsetNanos when it was sent, nanoseconds after the run started
 * @param results how many results came back for it: 0 lost, 1 expected, more duplicated
 * @param latencyNanos send to receipt of the first result on the simulator's clock; -1 if none
 * @param firstResult the first result, if any
 */
public record EventOutcome(
    EventKey key,
    String label,
    boolean faultInjected,
    long sentAtUs,
    long sentOffsetNanos,
    int results,
    long latencyNanos,
    InferenceResult firstResult) {

  public boolean lost() {
    return results == 0;
  }

  public boolean duplicated() {
    return results > 1;
  }

  public OptionalDouble latencyMs() {
    return latencyNanos < 0 ? OptionalDouble.empty() : OptionalDouble.of(latencyNanos / 1e6);
  }

  public Optional<InferenceResult> result() {
    return Optional.ofNullable(firstResult);
  }

  /**
   * The first result's anomaly score ({@code summary.anomalyScore}), else its {@code
   * summary.score}, else empty.
   */
  public OptionalDouble score() {
    if (firstResult == null || !firstResult.hasSummary()) {
      return OptionalDouble.empty();
    }
    var summary = firstResult.getSummary();
    if (summary.hasAnomalyScore()) {
      return OptionalDouble.of(summary.getAnomalyScore());
    }
    return summary.hasScore() ? OptionalDouble.of(summary.getScore()) : OptionalDouble.empty();
  }
}
