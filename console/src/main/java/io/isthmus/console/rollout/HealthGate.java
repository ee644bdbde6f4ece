package io.isthmus.console.rollout;

import io.isthmus.protocol.v1.PipelineStats;
import java.util.Locale;

/**
 * Compares the new version's run figures on a gateway with the previous version's on the same
 * gateway (both from {@code PipelineStats} in the gateway's reports). A gateway passes when the new
 * version has run at least {@code minRuns} times, its error rate is at most the old one's plus
 * {@code maxErrorRateIncrease}, and its p95 latency at most {@code maxP95Ratio} times the old one.
 * Without figures for the old version only the error rate is checked (against zero).
 *
 * @param minRuns runs of the new version needed before judging; 0 passes a gateway as soon as it
 *     serves the new version (for gateways without traffic)
 * @param maxErrorRateIncrease tolerated rise of the error rate, as a share (0.02 = 2 points)
 * @param maxP95Ratio tolerated p95 of the new version relative to the old; 0 switches it off
 */
public record HealthGate(Integer minRuns, Double maxErrorRateIncrease, Double maxP95Ratio) {
  public static final HealthGate DEFAULT = new HealthGate(20, 0.02, 1.5);

  public HealthGate {
    minRuns = minRuns == null ? DEFAULT_MIN_RUNS : minRuns;
    maxErrorRateIncrease = maxErrorRateIncrease == null ? 0.02 : maxErrorRateIncrease;
    maxP95Ratio = maxP95Ratio == null ? 1.5 : maxP95Ratio;
    if (minRuns < 0 || maxErrorRateIncrease < 0 || maxP95Ratio < 0) {
      throw new IllegalArgumentException(
          "healthGate values must not be negative, got minRuns="
              + minRuns
              + " maxErrorRateIncrease="
              + maxErrorRateIncrease
              + " maxP95Ratio="
              + maxP95Ratio);
    }
  }

  private static final int DEFAULT_MIN_RUNS = 20;

  /** The outcome of one check. */
  public enum Verdict {
    PASS,
    WAIT,
    FAIL
  }

  /** A verdict with the reason for a failure. */
  public record Result(Verdict verdict, String reason) {
    static final Result PASS = new Result(Verdict.PASS, null);
    static final Result WAIT = new Result(Verdict.WAIT, null);
  }

  /**
   * Judges {@code current} (the figures of the new version, or null if none were reported yet)
   * against {@code baseline} (the old version's, or null).
   */
  public Result judge(PipelineStats baseline, PipelineStats current) {
    if (minRuns == 0 && (current == null || current.getRuns() == 0)) {
      return Result.PASS;
    }
    if (current == null || current.getRuns() < minRuns) {
      return Result.WAIT;
    }
    double newRate = rate(current);
    double oldRate = baseline == null || baseline.getRuns() == 0 ? 0 : rate(baseline);
    if (newRate > oldRate + maxErrorRateIncrease) {
      return new Result(
          Verdict.FAIL,
          String.format(
              Locale.ROOT,
              "health gate: error rate %.1f%% over %d runs vs %.1f%% before (tolerance +%.1f points)",
              newRate * 100,
              current.getRuns(),
              oldRate * 100,
              maxErrorRateIncrease * 100));
    }
    if (maxP95Ratio > 0
        && baseline != null
        && baseline.getP95Us() > 0
        && current.getP95Us() > baseline.getP95Us() * maxP95Ratio) {
      return new Result(
          Verdict.FAIL,
          String.format(
              Locale.ROOT,
              "health gate: p95 %d us vs %d us before (tolerance x%.2f)",
              current.getP95Us(),
              baseline.getP95Us(),
              maxP95Ratio));
    }
    return Result.PASS;
  }

  private static double rate(PipelineStats stats) {
    return stats.getRuns() == 0 ? 0 : (double) stats.getErrors() / stats.getRuns();
  }
}
