package io.isthmus.agent.sync;

import io.isthmus.agent.config.SyncConfig.RollbackSettings;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Outcomes and run times of the version serving a pipeline since it became active: they go into the
 * reported {@code PipelineStats} (runs, errors, p50, p95), and during the watch window after a swap
 * the share of failed runs and the 99th percentile run time decide a rollback. Keeps the last
 * {@value #SAMPLES} run times.
 */
final class RunWindow {
  static final int SAMPLES = 4096;

  private final long[] nanos = new long[SAMPLES];
  private final long sinceUs;
  private long runs;
  private long errors;

  RunWindow() {
    this(FleetReporter.nowMicros());
  }

  /**
   * @param sinceUs when counting starts, microseconds since the epoch
   */
  RunWindow(long sinceUs) {
    this.sinceUs = sinceUs;
  }

  /** When counting started, microseconds since the epoch. */
  long sinceUs() {
    return sinceUs;
  }

  synchronized long errors() {
    return errors;
  }

  synchronized void record(boolean ok, long runNanos) {
    nanos[(int) (runs % SAMPLES)] = runNanos;
    runs++;
    if (!ok) {
      errors++;
    }
  }

  synchronized long runs() {
    return runs;
  }

  synchronized double errorRate() {
    return runs == 0 ? 0 : (double) errors / runs;
  }

  /** The 99th percentile of the kept run times, in nanoseconds; 0 without runs. */
  long p99Nanos() {
    return percentileNanos(0.99);
  }

  /**
   * The {@code q} quantile (nearest rank, 0 &lt; q &le; 1) of the kept run times, in nanoseconds; 0
   * without runs.
   */
  synchronized long percentileNanos(double q) {
    int n = (int) Math.min(runs, SAMPLES);
    if (n == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(nanos, n);
    Arrays.sort(sorted);
    return sorted[Math.max(0, Math.min(n - 1, (int) Math.ceil(n * q) - 1))];
  }

  /**
   * Why the watched version must be rolled back ({@code error_rate: ...} or {@code latency: ...}),
   * or empty when it stays within {@code bounds}. Call once {@link #runs()} reached {@code
   * bounds.minRuns()}.
   */
  synchronized Optional<String> verdict(RollbackSettings bounds) {
    if (errorRate() > bounds.maxErrorRate()) {
      return Optional.of(
          SyncException.ERROR_RATE
              + ": "
              + String.format(
                  Locale.ROOT,
                  "%.1f%% of %d runs failed, bound %.1f%%",
                  errorRate() * 100,
                  runs,
                  bounds.maxErrorRate() * 100));
    }
    if (!bounds.maxP99().isZero() && p99Nanos() > bounds.maxP99().toNanos()) {
      return Optional.of(
          SyncException.LATENCY
              + ": p99 "
              + TimeUnit.NANOSECONDS.toMicros(p99Nanos())
              + " us over "
              + runs
              + " runs, bound "
              + TimeUnit.NANOSECONDS.toMicros(bounds.maxP99().toNanos())
              + " us");
    }
    return Optional.empty();
  }
}
