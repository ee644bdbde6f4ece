package io.isthmus.offload.scaling;

/**
 * What a scaling policy sees of one control window: the measurements a platform's metrics give for
 * the interval that just ended (Knative's autoscaler metrics, CloudWatch's Lambda metrics).
 *
 * @param endSeconds end of the window, seconds since the start of observation
 * @param lengthSeconds length of the window in seconds
 * @param invocationRate arrivals per second in the window (lambda)
 * @param meanServiceSeconds mean execution time of the requests completed in the window, {@code
 *     NaN} when none completed
 * @param p95LatencySeconds 95th percentile end-to-end latency of the requests completed in the
 *     window, {@code NaN} when none completed
 * @param coldStarts requests in the window that waited for an instance to initialise
 * @param utilisation busy request slots over warm request slots, time-averaged over the window
 *     (0..1; 0 when no instance was warm)
 * @param provisionedConcurrency the provisioned concurrency in force during the window
 */
public record WindowMetrics(
    double endSeconds,
    double lengthSeconds,
    double invocationRate,
    double meanServiceSeconds,
    double p95LatencySeconds,
    int coldStarts,
    double utilisation,
    int provisionedConcurrency) {

  /** Checks the values a policy relies on. */
  public WindowMetrics {
    if (!(lengthSeconds > 0)) {
      throw new IllegalArgumentException("lengthSeconds must be positive, got " + lengthSeconds);
    }
    if (!(invocationRate >= 0)) {
      throw new IllegalArgumentException("invocationRate must be >= 0, got " + invocationRate);
    }
    if (coldStarts < 0 || provisionedConcurrency < 0) {
      throw new IllegalArgumentException(
          "coldStarts and provisionedConcurrency must be >= 0, got "
              + coldStarts
              + " and "
              + provisionedConcurrency);
    }
  }

  /**
   * Whether any request completed in the window, so that service time and latency were measured.
   */
  public boolean hasCompletions() {
    return !Double.isNaN(meanServiceSeconds);
  }
}
