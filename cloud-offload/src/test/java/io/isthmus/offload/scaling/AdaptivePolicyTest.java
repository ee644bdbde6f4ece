package io.isthmus.offload.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdaptivePolicyTest {
  // SLO 0.3 s, C_max 100, baseline 1, headroom 1.5, low utilisation 0.5 for K = 3 windows, step 1
  private final ScalingParameters parameters = withIdleWindows(ScalingParameters.defaults(), 3);

  private static ScalingParameters withIdleWindows(ScalingParameters p, int k) {
    return new ScalingParameters(
        p.sloSeconds(),
        p.maxConcurrency(),
        p.warmBaseline(),
        p.headroom(),
        p.lowUtilisation(),
        k,
        p.stepDown(),
        p.controlIntervalSeconds(),
        p.coldStartSeconds(),
        p.levelSmoothing(),
        p.trendSmoothing(),
        p.seasonSmoothing(),
        p.minSeasonWindows(),
        p.seasonCorrelation(),
        p.historyWindows());
  }

  private static WindowMetrics window(
      double rate, double serviceSeconds, double p95, int coldStarts, double utilisation) {
    return new WindowMetrics(10, 10, rate, serviceSeconds, p95, coldStarts, utilisation, 0);
  }

  @Test
  void startsAtTheWarmBaseline() {
    assertThat(new AdaptivePolicy(parameters.withLimits(100, 2)).initialConcurrency()).isEqualTo(2);
  }

  @Test
  void raisesToOneAndAHalfTimesTheForecastConcurrencyWhenSlowAndColdStartsRise() {
    AdaptivePolicy policy = new AdaptivePolicy(parameters);

    // c = 20/s x 0.2 s = 4, ceil(1.5 x 4) = 6
    assertThat(policy.decide(window(20, 0.2, 0.9, 5, 0.8))).isEqualTo(6);
    // c = 30/s x 0.25 s = 7.5, ceil(11.25) = 12; cold starts rose again (5 -> 8)
    assertThat(policy.decide(window(30, 0.25, 0.9, 8, 0.8))).isEqualTo(12);
  }

  @Test
  void aSlowWindowWithoutRisingColdStartsDoesNotRaise() {
    AdaptivePolicy policy = new AdaptivePolicy(parameters);
    assertThat(policy.decide(window(20, 0.2, 0.9, 5, 0.8))).isEqualTo(6);

    // p95 still over the SLO, but cold starts fell (5 -> 5 is not a rise either)
    assertThat(policy.decide(window(60, 0.2, 0.9, 5, 0.8))).isEqualTo(6);
    assertThat(policy.decide(window(60, 0.2, 0.9, 2, 0.8))).isEqualTo(6);
  }

  @Test
  void risingColdStartsWithinTheSloDoNotRaise() {
    AdaptivePolicy policy = new AdaptivePolicy(parameters);

    assertThat(policy.decide(window(60, 0.2, 0.25, 9, 0.8))).isEqualTo(1);
  }

  @Test
  void theRaiseIsCappedAtCMax() {
    AdaptivePolicy policy = new AdaptivePolicy(parameters.withLimits(10, 1));

    // c = 100 x 0.5 = 50, 1.5 c = 75, C_max 10
    assertThat(policy.decide(window(100, 0.5, 2.0, 40, 0.9))).isEqualTo(10);
  }

  @Test
  void lowersOneStepPerWindowAfterKIdleWindowsDownToTheBaseline() {
    AdaptivePolicy policy = new AdaptivePolicy(parameters.withLimits(100, 2));
    assertThat(policy.decide(window(20, 0.2, 0.9, 5, 0.8))).isEqualTo(6);

    int[] decided = new int[8];
    for (int i = 0; i < decided.length; i++) {
      decided[i] = policy.decide(window(2, 0.2, 0.2, 0, 0.1));
    }

    // two idle windows hold; from the third a step per window; never under the baseline of 2
    assertThat(decided).containsExactly(6, 6, 5, 4, 3, 2, 2, 2);
  }

  @Test
  void aBusyWindowRestartsTheIdleCount() {
    AdaptivePolicy policy = new AdaptivePolicy(parameters);
    policy.decide(window(20, 0.2, 0.9, 5, 0.8));

    policy.decide(window(2, 0.2, 0.2, 0, 0.1));
    policy.decide(window(2, 0.2, 0.2, 0, 0.1));
    policy.decide(window(20, 0.2, 0.2, 0, 0.7)); // busy: the count starts again
    int afterTwoMoreIdle = policy.decide(window(2, 0.2, 0.2, 0, 0.1));
    afterTwoMoreIdle = policy.decide(window(2, 0.2, 0.2, 0, 0.1));

    assertThat(afterTwoMoreIdle).isEqualTo(6);
    assertThat(policy.decide(window(2, 0.2, 0.2, 0, 0.1))).isEqualTo(5);
  }

  @Test
  void aWindowWithoutCompletionsUsesTheLastServiceTime() {
    AdaptivePolicy policy = new AdaptivePolicy(parameters);
    policy.decide(window(1, 0.4, 0.2, 0, 0.9));

    // nothing completed in this window (all waiting on cold starts): t_avg stays 0.4 s, but p95 is
    // unknown
    WindowMetrics stalled = new WindowMetrics(20, 10, 10, Double.NaN, Double.NaN, 10, 0, 1);
    assertThat(policy.decide(stalled)).isEqualTo(1);
    // the next window is slow with more cold starts: c = 10 x 0.4 = 4 -> 6
    assertThat(policy.decide(window(10, 0.4, 2.0, 12, 0.9))).isEqualTo(6);
  }
}
