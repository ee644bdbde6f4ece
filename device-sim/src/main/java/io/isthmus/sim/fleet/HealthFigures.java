package io.isthmus.sim.fleet;

/**
 * What a healthy gateway's model runs look like: runs per second, the share that fails, and run
 * time percentiles. Each gateway draws its own p50 and p95 around these (log-normal, {@code spread}
 * its sigma), so a fleet shows a realistic scatter.
 *
 * @param runsPerSecond runs of the active version per second
 * @param errorRate the share of runs that fail, 0 to 1
 * @param p50Ms median run time in milliseconds
 * @param p95Ms 95th percentile run time, at least the median
 * @param spread sigma of the log-normal scatter across gateways (0: every gateway the same)
 */
public record HealthFigures(
    double runsPerSecond, double errorRate, double p50Ms, double p95Ms, double spread) {
  /** 10 runs/s, 0.1% errors, p50 8 ms, p95 14 ms, 10% scatter. */
  public static final HealthFigures DEFAULT = new HealthFigures(10, 0.001, 8, 14, 0.1);

  /**
   * @throws IllegalArgumentException naming the bad value
   */
  public HealthFigures {
    if (!(runsPerSecond >= 0)) {
      throw new IllegalArgumentException("runs per second is " + runsPerSecond + ", expected >= 0");
    }
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("error rate is " + errorRate + ", expected 0 to 1");
    }
    if (!(p50Ms > 0) || !(p95Ms >= p50Ms)) {
      throw new IllegalArgumentException(
          "p50 " + p50Ms + " ms and p95 " + p95Ms + " ms: expected 0 < p50 <= p95");
    }
    if (!(spread >= 0 && spread <= 2)) {
      throw new IllegalArgumentException("latency spread is " + spread + ", expected 0 to 2");
    }
  }
}
