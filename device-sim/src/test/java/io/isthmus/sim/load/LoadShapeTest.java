package io.isthmus.sim.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counts arrivals on the simulated clock: the schedule, not the wall clock. */
class LoadShapeTest {
  private static final Duration MINUTE = Duration.ofSeconds(60);

  @Test
  void constantRateIsExactAndEvenlySpaced() {
    List<Long> t = times(LoadShape.constant(100), MINUTE, 1);
    assertThat(t).hasSize(6000);
    assertThat(t.get(0)).isZero();
    assertThat(t.get(1)).isEqualTo(10_000_000L);
    assertThat(t.get(5999)).isEqualTo(59_990_000_000L);
  }

  @Test
  void poissonCountAndGapsMatchTheRate() {
    List<Long> t = times(LoadShape.poisson(200), MINUTE, 42);
    // 12000 expected, sigma = sqrt(12000) = 110: allow 4 sigma.
    assertThat(t.size()).isBetween(11_560, 12_440);
    double[] gaps = gaps(t);
    double mean = mean(gaps);
    assertThat(mean).isCloseTo(5e6, org.assertj.core.api.Assertions.within(0.25e6));
    // Exponential gaps: the standard deviation equals the mean.
    assertThat(std(gaps) / mean).isBetween(0.9, 1.1);
    assertThat(times(LoadShape.poisson(200), MINUTE, 42)).isEqualTo(t);
    assertThat(times(LoadShape.poisson(200), MINUTE, 43)).isNotEqualTo(t);
  }

  @Test
  void burstyKeepsTheMeanRateButClumps() {
    LoadShape shape = LoadShape.bursty(100, Duration.ofMillis(500), Duration.ofMillis(1500));
    List<Long> t = times(shape, Duration.ofSeconds(600), 5);
    // 60000 expected; the on/off modulation makes the count vary more than Poisson's:
    // 600 s holds about 300 cycles, so allow 10%.
    assertThat(t.size()).isBetween(54_000, 66_000);
    long[] perSecond = new long[600];
    for (long x : t) {
      perSecond[(int) (x / 1_000_000_000L)]++;
    }
    double[] counts = new double[600];
    for (int i = 0; i < 600; i++) {
      counts[i] = perSecond[i];
    }
    double m = mean(counts);
    // Index of dispersion: 1 for Poisson, far above for on/off bursts at 400/s while on.
    assertThat(std(counts) * std(counts) / m).isGreaterThan(20);
    assertThat(((BurstyLoad) shape).onRate()).isEqualTo(400.0);
  }

  @Test
  void rampGoesFromStartToEndRate() {
    List<Long> t = times(LoadShape.ramp(10, 110), Duration.ofSeconds(10), 1);
    // Integral of the rate: (10 + 110) / 2 * 10 s = 600.
    assertThat(t.size()).isBetween(599, 601);
    long firstSecond = t.stream().filter(x -> x < 1_000_000_000L).count();
    long lastSecond = t.stream().filter(x -> x >= 9_000_000_000L).count();
    assertThat(firstSecond).isBetween(14L, 16L); // 10 + 10/2
    assertThat(lastSecond).isBetween(104L, 106L); // 110 - 10/2
    List<Long> down = times(LoadShape.ramp(110, 10), Duration.ofSeconds(10), 1);
    assertThat(down.size()).isBetween(599, 601);
    assertThat(down.stream().filter(x -> x < 1_000_000_000L).count()).isBetween(104L, 106L);
  }

  @Test
  void badRatesAreNamed() {
    assertThatThrownBy(() -> LoadShape.constant(0))
        .hasMessage("ratePerSecond is 0.0, expected a positive rate");
    assertThatThrownBy(() -> LoadShape.ramp(0, 0)).hasMessageContaining("not both 0");
    assertThatThrownBy(() -> LoadShape.bursty(10, Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessage("meanOn is PT0S, expected a positive duration");
  }

  @Test
  void describeNamesTheShape() {
    assertThat(LoadShape.poisson(100).describe()).isEqualTo("poisson(100/s)");
    assertThat(LoadShape.ramp(10, 50.5).describe()).isEqualTo("ramp(10/s -> 50.5/s)");
  }

  private static List<Long> times(LoadShape shape, Duration d, long seed) {
    ArrivalSchedule s = shape.schedule(d, seed);
    List<Long> out = new ArrayList<>();
    long previous = -1;
    for (long t = s.nextNanos(); t != ArrivalSchedule.END; t = s.nextNanos()) {
      assertThat(t).isGreaterThanOrEqualTo(previous).isLessThan(d.toNanos());
      out.add(t);
      previous = t;
    }
    return out;
  }

  private static double[] gaps(List<Long> t) {
    double[] g = new double[t.size() - 1];
    for (int i = 1; i < t.size(); i++) {
      g[i - 1] = t.get(i) - t.get(i - 1);
    }
    return g;
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double std(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return Math.sqrt(s / x.length);
  }
}
