package io.isthmus.sim.report;

import java.util.Arrays;

/**
 * Records latencies exactly (every value is kept: 8 bytes an event) and answers nearest-rank
 * percentiles: the p-th percentile of n values is the smallest recorded value such that at least p%
 * of the values are at or below it, i.e. the value of rank {@code ceil(p / 100 * n)}. Thread-safe.
 */
public final class LatencyRecorder {
  private long[] values = new long[1024];
  private int count;
  private long sum;
  private long max = Long.MIN_VALUE;
  private long min = Long.MAX_VALUE;

  /**
   * Records one value (any unit; the simulator uses nanoseconds).
   *
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public synchronized void record(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("latency is " + value + ", expected at least 0");
    }
    if (count == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
    }
    values[count++] = value;
    sum += value;
    max = Math.max(max, value);
    min = Math.min(min, value);
  }

  public synchronized int count() {
    return count;
  }

  /**
   * The nearest-rank percentile.
   *
   * @throws IllegalArgumentException if {@code percentile} is not in (0, 100]
   * @throws IllegalStateException if nothing was recorded
   */
  public long percentile(double percentile) {
    return percentiles(percentile)[0];
  }

  /** Several percentiles from one sort; same rules as {@link #percentile}. */
  public long[] percentiles(double... percentiles) {
    long[] sorted;
    synchronized (this) {
      if (count == 0) {
        throw new IllegalStateException("No latency recorded");
      }
      sorted = Arrays.copyOf(values, count);
    }
    Arrays.sort(sorted);
    long[] out = new long[percentiles.length];
    for (int i = 0; i < percentiles.length; i++) {
      double p = percentiles[i];
      if (!(p > 0 && p <= 100)) {
        throw new IllegalArgumentException("percentile is " + p + ", expected in (0, 100]");
      }
      int rank = (int) Math.ceil(p / 100 * sorted.length);
      out[i] = sorted[Math.max(1, rank) - 1];
    }
    return out;
  }

  /** count, min, mean, p50, p95, p99 and max, converted by dividing by {@code unit}. */
  public LatencySummary summary(double unit) {
    synchronized (this) {
      if (count == 0) {
        return LatencySummary.EMPTY;
      }
    }
    long[] p = percentiles(50, 95, 99, 100);
    synchronized (this) {
      return new LatencySummary(
          count,
          min / unit,
          sum / (double) count / unit,
          p[0] / unit,
          p[1] / unit,
          p[2] / unit,
          p[3] / unit);
    }
  }
}
