package io.isthmus.offload.scaling;

/**
 * Adaptive concurrency provisioning: forecast the concurrency c = lambda x t_avg from the window's
 * invocation rate and mean service time; when p95 latency exceeds the SLO while cold starts rise
 * (more than in the previous window), raise provisioned concurrency to min(C_max, ceil(headroom x
 * c)) (never lowering it on that path); when utilisation stays below the low mark for K windows in
 * a row, lower it by one step per further idle window, never below the warm baseline.
 */
public final class AdaptivePolicy implements ScalingPolicy {
  private final ScalingParameters parameters;
  private final ServiceTimeEstimate serviceTime = new ServiceTimeEstimate();
  private int provisioned;
  private int previousColdStarts;
  private int idleWindows;

  /** A policy starting at the warm baseline. */
  public AdaptivePolicy(ScalingParameters parameters) {
    this.parameters = parameters;
    this.provisioned = parameters.warmBaseline();
  }

  @Override
  public String name() {
    return "adaptive";
  }

  @Override
  public int initialConcurrency() {
    return parameters.warmBaseline();
  }

  @Override
  public int decide(WindowMetrics window) {
    double tAvg = serviceTime.update(window);
    boolean slow = window.hasCompletions() && window.p95LatencySeconds() > parameters.sloSeconds();
    boolean coldStartsRising = window.coldStarts() > previousColdStarts;
    previousColdStarts = window.coldStarts();
    if (slow && coldStartsRising) {
      idleWindows = 0;
      int target = parameters.clamp(parameters.withHeadroom(window.invocationRate(), tAvg));
      provisioned = Math.max(provisioned, target);
    } else if (window.utilisation() < parameters.lowUtilisation()) {
      idleWindows++;
      if (idleWindows >= parameters.lowUtilisationWindows()) {
        provisioned = Math.max(parameters.warmBaseline(), provisioned - parameters.stepDown());
      }
    } else {
      idleWindows = 0;
    }
    return provisioned;
  }
}
