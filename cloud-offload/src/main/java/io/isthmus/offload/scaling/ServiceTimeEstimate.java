package io.isthmus.offload.scaling;

/** The mean service time t_avg, carried over windows in which nothing completed. */
final class ServiceTimeEstimate {
  private double meanSeconds = Double.NaN;

  /**
   * Takes the window's mean when it has one; returns the current estimate (0 before any
   * completion).
   */
  double update(WindowMetrics window) {
    if (window.hasCompletions()) {
      meanSeconds = window.meanServiceSeconds();
    }
    return Double.isNaN(meanSeconds) ? 0 : meanSeconds;
  }
}
