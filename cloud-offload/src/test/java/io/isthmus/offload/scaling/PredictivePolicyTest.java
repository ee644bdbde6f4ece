package io.isthmus.offload.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PredictivePolicyTest {
  private final ScalingParameters parameters = ScalingParameters.defaults();

  private static WindowMetrics window(double end, double rate) {
    return new WindowMetrics(end, 10, rate, 0.1, 0.15, 0, 0.5, 0);
  }

  /** 2 requests/s, with 40/s in windows 8 and 9 of every 10. */
  private static double periodicRate(int window) {
    return window % 10 >= 8 ? 40 : 2;
  }

  @Test
  void findsTheSeasonAndProvisionsTheWindowBeforeTheBurst() {
    PredictivePolicy policy = new PredictivePolicy(parameters);
    int[] decided = new int[60];
    for (int w = 0; w < decided.length; w++) {
      decided[w] = policy.decide(window(10 * (w + 1), periodicRate(w)));
    }

    assertThat(policy.detectedSeasonWindows()).isEqualTo(10);
    // decided at the end of window 56, for windows 57 and 58: 58 is a burst window, forecast 40/s,
    // so
    // ceil(1.5 x 40 x 0.1) = 6 is provisioned one window before the burst starts
    assertThat(decided[56]).isEqualTo(6);
    // in the middle of the quiet part the forecast is 2/s: ceil(1.5 x 2 x 0.1) = 1 (the baseline)
    assertThat(decided[52]).isEqualTo(1);
  }

  @Test
  void withoutASeasonItFollowsTheLevelAndTrend() {
    PredictivePolicy policy = new PredictivePolicy(parameters.withLimits(1000, 1));
    int last = 0;
    for (int w = 0; w < 30; w++) {
      // a steady ramp, 10, 12, ... 68 requests/s, of 1 s requests
      last = policy.decide(new WindowMetrics(10 * (w + 1), 10, 10 + 2 * w, 1.0, 1.2, 0, 0.5, 0));
    }

    assertThat(policy.detectedSeasonWindows()).isZero();
    // Holt's trend extrapolates past the last rate: above ceil(1.5 x 68) = 102, at most the exact
    // ramp's
    // rate two windows on, ceil(1.5 x 72) = 108
    assertThat(last).isGreaterThan(102).isLessThanOrEqualTo(108);
  }

  @Test
  void staysWithinBaselineAndCMax() {
    PredictivePolicy policy = new PredictivePolicy(parameters.withLimits(5, 2));

    assertThat(policy.decide(window(10, 0))).isEqualTo(2);
    assertThat(policy.decide(window(20, 1000))).isEqualTo(5);
  }
}
