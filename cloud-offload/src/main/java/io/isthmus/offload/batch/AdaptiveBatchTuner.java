package io.isthmus.offload.batch;

/**
 * Picks batch size and queue delay from measured service times to keep p99 latency under a target.
 *
 * <p>It fits service time as {@code s(b) = fixed + perRow * b} by least squares over the last
 * {@value #WINDOW} runs, and tracks the arrival rate of rows. A request may arrive just as a batch
 * starts, wait for it, wait the queue delay, then run in the next one, so its worst latency is
 * about {@code 2 s(b) + delay}. The tuner takes the largest {@code b} up to the cap with {@code 2
 * s(b) <= target}, and a delay long enough to gather {@code b} rows at the measured rate but no
 * longer than what the target leaves. But batches must also be large enough to keep up with the
 * arrivals ({@code rate * s(b) < b * instances}), or the queue, and with it latency, grows without
 * bound: when that needs a larger {@code b} than the target allows, it wins, with no delay (the
 * queue fills batches by itself then). Thread-safe.
 */
final class AdaptiveBatchTuner {
  static final int WINDOW = 128;
  private static final int REPLAN_EVERY = 8;
  private static final double RATE_SMOOTHING = 0.05;

  private final int cap;
  private final int instances;
  private final double targetMs;
  private final int[] rows = new int[WINDOW];
  private final double[] serviceMs = new double[WINDOW];
  private int count;
  private int next;
  private long lastArrivalNanos = -1;
  private double rowsPerMs;
  private BatchPlan plan;

  AdaptiveBatchTuner(int cap, int instances, long targetNanos, BatchPlan initial) {
    this.cap = cap;
    this.instances = instances;
    this.targetMs = targetNanos / 1e6;
    this.plan = initial;
  }

  /** Records that {@code n} rows arrived at {@code nowNanos}. */
  synchronized void arrived(int n, long nowNanos) {
    if (lastArrivalNanos >= 0) {
      double gapMs = Math.max((nowNanos - lastArrivalNanos) / 1e6, 1e-3);
      double rate = n / gapMs;
      rowsPerMs = rowsPerMs == 0 ? rate : rowsPerMs + RATE_SMOOTHING * (rate - rowsPerMs);
    }
    lastArrivalNanos = nowNanos;
  }

  /** Records one run of {@code batchRows} rows that took {@code nanos}. */
  synchronized void observe(int batchRows, long nanos) {
    rows[next] = batchRows;
    serviceMs[next] = nanos / 1e6;
    next = (next + 1) % WINDOW;
    count = Math.min(count + 1, WINDOW);
    if (count % REPLAN_EVERY == 0 || count == WINDOW) {
      double[] fit = fit();
      plan = choose(fit[0], fit[1], rowsPerMs, targetMs, cap, instances);
    }
  }

  /** The plan for the next batch. */
  synchronized BatchPlan plan() {
    return plan;
  }

  /** {fixed, perRow} in ms; with one batch size seen so far, all of the time counts per row. */
  private double[] fit() {
    double sumB = 0;
    double sumT = 0;
    double sumBB = 0;
    double sumBT = 0;
    for (int i = 0; i < count; i++) {
      sumB += rows[i];
      sumT += serviceMs[i];
      sumBB += (double) rows[i] * rows[i];
      sumBT += rows[i] * serviceMs[i];
    }
    double variance = count * sumBB - sumB * sumB;
    if (variance < 1e-9) {
      return new double[] {0, sumT / sumB};
    }
    double perRow = (count * sumBT - sumB * sumT) / variance;
    double fixed = (sumT - perRow * sumB) / count;
    if (perRow < 0 || fixed < 0) { // noise; fall back to the pessimistic, proportional model
      return new double[] {0, sumT / sumB};
    }
    return new double[] {fixed, perRow};
  }

  /**
   * The plan for service time {@code fixedMs + perRowMs * b}, arrival rate {@code rowsPerMs}, a p99
   * target, batches of at most {@code cap} rows and {@code instances} runs at a time.
   */
  static BatchPlan choose(
      double fixedMs, double perRowMs, double rowsPerMs, double targetMs, int cap, int instances) {
    int keepUp = cap;
    for (int b = 1; b <= cap; b++) {
      if (rowsPerMs * (fixedMs + perRowMs * b) < (double) b * instances) {
        keepUp = b;
        break;
      }
    }
    for (int b = cap; b >= keepUp; b--) {
      double service = fixedMs + perRowMs * b;
      double slack = targetMs - 2 * service;
      if (slack >= 0) {
        double gatherMs = rowsPerMs > 0 ? (b - 1) / rowsPerMs : slack;
        return new BatchPlan(b, (long) (Math.min(gatherMs, slack) * 1e6));
      }
    }
    return new BatchPlan(keepUp, 0);
  }
}
