package io.isthmus.offload.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ServiceTimeTest {
  @Test
  void logNormalSamplesHaveTheMeanAndCoefficientOfVariation() {
    ServiceTime serviceTime = new ServiceTime(0.1, 0.5);
    SplittableRandom random = new SplittableRandom(1);
    int n = 200_000;
    double sum = 0;
    double sumSquares = 0;
    for (int i = 0; i < n; i++) {
      double x = serviceTime.sample(random);
      assertThat(x).isPositive();
      sum += x;
      sumSquares += x * x;
    }
    double mean = sum / n;
    double sd = Math.sqrt(sumSquares / n - mean * mean);

    assertThat(mean).isCloseTo(0.1, within(0.001));
    assertThat(sd / mean).isCloseTo(0.5, within(0.02));
  }

  @Test
  void zeroVariationIsFixed() {
    assertThat(ServiceTime.fixed(0.25).sample(new SplittableRandom(3))).isEqualTo(0.25);
  }

  @Test
  void aNonPositiveMeanIsRejectedByName() {
    assertThatThrownBy(() -> new ServiceTime(0, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("meanSeconds");
  }
}
