package io.isthmus.sim.report;

/**
 * A latency distribution in milliseconds; all zeros when {@code count} is 0.
 *
 * @param p50 nearest-rank percentiles, see {@link LatencyRecorder}
 */
public record LatencySummary(
    long count, double min, double mean, double p50, double p95, double p99, double max) {
  public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);
}
