package io.isthmus.offload.scaling;

/**
 * Pre-warms ahead of forecast bursts: forecasts the invocation rate with {@link RateForecaster}
 * (additive Holt-Winters once a season shows in the history, Holt's linear trend before) and
 * provisions clamp(ceil(headroom x rate x t_avg)) for the highest rate forecast over the windows
 * until an instance started now and the next decision's instances would be warm: ceil((control
 * interval + cold start) / control interval) windows ahead.
 */
public final class PredictivePolicy implements ScalingPolicy {
  private final ScalingParameters parameters;
  private final RateForecaster forecaster;
  private final ServiceTimeEstimate serviceTime = new ServiceTimeEstimate();
  private final int horizonWindows;

  /** A policy with an empty history, starting at the warm baseline. */
  public PredictivePolicy(ScalingParameters parameters) {
    this.parameters = parameters;
    this.forecaster = new RateForecaster(parameters);
    this.horizonWindows =
        (int)
            Math.ceil(
                (parameters.controlIntervalSeconds() + parameters.coldStartSeconds())
                    / parameters.controlIntervalSeconds());
  }

  @Override
  public String name() {
    return "predictive";
  }

  @Override
  public int initialConcurrency() {
    return parameters.warmBaseline();
  }

  @Override
  public int decide(WindowMetrics window) {
    double tAvg = serviceTime.update(window);
    forecaster.observe(window.invocationRate());
    return parameters.clamp(parameters.withHeadroom(forecaster.peakForecast(horizonWindows), tAvg));
  }

  /** The season, in control windows, the forecaster has found so far (0: none). */
  public int detectedSeasonWindows() {
    return forecaster.season();
  }
}
