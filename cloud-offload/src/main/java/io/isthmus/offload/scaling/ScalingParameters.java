package io.isthmus.offload.scaling;

/**
 * Every tunable of the scaling policies, in one immutable, validated value. {@link #defaults()}
 * gives the documented defaults (docs/scaling.md explains each).
 *
 * @param sloSeconds p95 latency objective; the adaptive policy raises provisioning only above it
 *     (default 0.3 s)
 * @param maxConcurrency C_max, the most concurrency any policy provisions (default 100)
 * @param warmBaseline provisioned concurrency the adaptive and predictive policies never go below
 *     (default 1)
 * @param headroom factor over the forecast concurrency c = lambda x t_avg (default 1.5)
 * @param lowUtilisation utilisation under which the adaptive policy counts a window as idle
 *     (default 0.5)
 * @param lowUtilisationWindows K, idle windows in a row before the adaptive policy steps down
 *     (default 6: a minute of 10 s windows)
 * @param stepDown concurrency removed per idle window once K is reached (default 1)
 * @param controlIntervalSeconds length of a control window (default 10 s)
 * @param coldStartSeconds time an instance takes to become warm; the predictive policy looks this
 *     far ahead (default 2 s)
 * @param levelSmoothing Holt-Winters alpha, weight of the newest rate in the level (default 0.5)
 * @param trendSmoothing Holt-Winters beta, weight of the newest change in the trend (default 0.1)
 * @param seasonSmoothing Holt-Winters gamma, weight of the newest deviation in the season (default
 *     0.3)
 * @param minSeasonWindows shortest season, in windows, the predictive policy looks for (default 3)
 * @param seasonCorrelation autocorrelation a lag must reach to be taken as the season (default 0.5)
 * @param historyWindows windows of rate history the predictive policy keeps (default 360, an hour
 *     at 10 s)
 */
public record ScalingParameters(
    double sloSeconds,
    int maxConcurrency,
    int warmBaseline,
    double headroom,
    double lowUtilisation,
    int lowUtilisationWindows,
    int stepDown,
    double controlIntervalSeconds,
    double coldStartSeconds,
    double levelSmoothing,
    double trendSmoothing,
    double seasonSmoothing,
    int minSeasonWindows,
    double seasonCorrelation,
    int historyWindows) {

  /** Validates every value and names the bad one. */
  public ScalingParameters {
    positive("sloSeconds", sloSeconds);
    atLeast("maxConcurrency", maxConcurrency, 1);
    atLeast("warmBaseline", warmBaseline, 0);
    if (warmBaseline > maxConcurrency) {
      throw new IllegalArgumentException(
          "warmBaseline ("
              + warmBaseline
              + ") must not exceed maxConcurrency ("
              + maxConcurrency
              + ")");
    }
    if (!(headroom >= 1)) {
      throw new IllegalArgumentException("headroom must be >= 1, got " + headroom);
    }
    fraction("lowUtilisation", lowUtilisation);
    atLeast("lowUtilisationWindows", lowUtilisationWindows, 1);
    atLeast("stepDown", stepDown, 1);
    positive("controlIntervalSeconds", controlIntervalSeconds);
    if (!(coldStartSeconds >= 0)) {
      throw new IllegalArgumentException("coldStartSeconds must be >= 0, got " + coldStartSeconds);
    }
    fraction("levelSmoothing", levelSmoothing);
    fraction("trendSmoothing", trendSmoothing);
    fraction("seasonSmoothing", seasonSmoothing);
    atLeast("minSeasonWindows", minSeasonWindows, 2);
    fraction("seasonCorrelation", seasonCorrelation);
    atLeast("historyWindows", historyWindows, 4 * minSeasonWindows);
  }

  /** The documented defaults. */
  public static ScalingParameters defaults() {
    return new ScalingParameters(0.3, 100, 1, 1.5, 0.5, 6, 1, 10, 2, 0.5, 0.1, 0.3, 3, 0.5, 360);
  }

  /** A copy with another p95 objective. */
  public ScalingParameters withSloSeconds(double value) {
    return new ScalingParameters(
        value,
        maxConcurrency,
        warmBaseline,
        headroom,
        lowUtilisation,
        lowUtilisationWindows,
        stepDown,
        controlIntervalSeconds,
        coldStartSeconds,
        levelSmoothing,
        trendSmoothing,
        seasonSmoothing,
        minSeasonWindows,
        seasonCorrelation,
        historyWindows);
  }

  /** A copy with another C_max and warm baseline. */
  public ScalingParameters withLimits(int max, int baseline) {
    return new ScalingParameters(
        sloSeconds,
        max,
        baseline,
        headroom,
        lowUtilisation,
        lowUtilisationWindows,
        stepDown,
        controlIntervalSeconds,
        coldStartSeconds,
        levelSmoothing,
        trendSmoothing,
        seasonSmoothing,
        minSeasonWindows,
        seasonCorrelation,
        historyWindows);
  }

  /** A copy for a platform with another control interval and cold-start time. */
  public ScalingParameters withTiming(double intervalSeconds, double coldStart) {
    return new ScalingParameters(
        sloSeconds,
        maxConcurrency,
        warmBaseline,
        headroom,
        lowUtilisation,
        lowUtilisationWindows,
        stepDown,
        intervalSeconds,
        coldStart,
        levelSmoothing,
        trendSmoothing,
        seasonSmoothing,
        minSeasonWindows,
        seasonCorrelation,
        historyWindows);
  }

  /** Clamps a concurrency to [warmBaseline, maxConcurrency]. */
  int clamp(long concurrency) {
    return (int) Math.max(warmBaseline, Math.min(maxConcurrency, concurrency));
  }

  /**
   * ceil(headroom x lambda x t_avg): the concurrency that serves {@code rate} with the headroom.
   */
  long withHeadroom(double rate, double meanServiceSeconds) {
    return (long) Math.ceil(headroom * rate * meanServiceSeconds - 1e-9);
  }

  private static void positive(String name, double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  private static void atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
    }
  }

  private static void fraction(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
    }
  }
}
