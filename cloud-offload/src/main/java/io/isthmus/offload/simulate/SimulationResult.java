package io.isthmus.offload.simulate;

import java.util.List;

/**
 * The outcome of replaying one trace against one policy.
 *
 * @param policy the policy's name
 * @param served requests completed (every arrival completes: the simulator drains before it ends)
 * @param latenciesSeconds end-to-end latency of each request, in arrival order (the accessor
 *     returns a copy)
 * @param coldStarts requests that waited for an instance to initialise
 * @param instanceStarts instances started, on demand or provisioned
 * @param cost what the run bills
 * @param timeline one point per control window
 */
public record SimulationResult(
    String policy,
    int served,
    double[] latenciesSeconds,
    int coldStarts,
    int instanceStarts,
    Cost cost,
    List<TimelinePoint> timeline) {

  /** Copies the mutable parts. */
  public SimulationResult {
    latenciesSeconds = latenciesSeconds.clone();
    timeline = List.copyOf(timeline);
  }

  @Override
  public double[] latenciesSeconds() {
    return latenciesSeconds.clone();
  }

  /** The nearest-rank {@code q}-quantile of the latencies in seconds (NaN with no requests). */
  public double latencyPercentile(double q) {
    return Percentiles.of(latenciesSeconds, latenciesSeconds.length, q);
  }
}
