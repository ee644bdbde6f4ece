package io.isthmus.offload.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceGeneratorTest {
  private static int countBetween(ArrivalTrace trace, double from, double to) {
    int n = 0;
    for (int i = 0; i < trace.size(); i++) {
      if (trace.arrival(i) >= from && trace.arrival(i) < to) {
        n++;
      }
    }
    return n;
  }

  @Test
  void poissonHasTheRateOnAverage() {
    ArrivalTrace trace = new TraceGenerator(1).poisson(50, 1000);

    // 50,000 expected, standard deviation about 224
    assertThat(trace.size()).isBetween(49_000, 51_000);
  }

  @Test
  void periodicBurstsCarryTheBurstRateOnlyInsideTheBurst() {
    ArrivalTrace trace = new TraceGenerator(2).periodic(1, 100, 60, 10, 600);

    int inBursts = 0;
    for (int k = 0; k < 10; k++) {
      inBursts += countBetween(trace, 60 * k + 50, 60 * k + 60);
    }
    // bursts: 10 x 10 s x 100/s = 10,000 expected; quiet: 10 x 50 s x 1/s = 500 expected
    assertThat(inBursts).isBetween(9_600, 10_400);
    assertThat(trace.size() - inBursts).isBetween(400, 600);
  }

  @Test
  void burstyAlternatesBetweenTheTwoRates() {
    ArrivalTrace trace = new TraceGenerator(3).bursty(1, 50, 30, 90, 36_000);

    // on a quarter of the time on average: 0.25 x 50 + 0.75 x 1 = 13.25/s; the state times vary a
    // lot
    double rate = trace.size() / trace.durationSeconds();
    assertThat(rate).isBetween(9.0, 18.0);
    int busiestMinute = 0;
    int quietMinutes = 0;
    for (int m = 0; m < 600; m++) {
      int n = countBetween(trace, 60 * m, 60 * m + 60);
      busiestMinute = Math.max(busiestMinute, n);
      quietMinutes += n < 120 ? 1 : 0;
    }
    assertThat(busiestMinute).isGreaterThan(2_500);
    assertThat(quietMinutes).isGreaterThan(200);
  }

  @Test
  void theSameSeedGivesTheSameTrace() {
    ArrivalTrace a = new TraceGenerator(9).diurnal(1, 20, 600, 1200);
    ArrivalTrace b = new TraceGenerator(9).diurnal(1, 20, 600, 1200);

    assertThat(a.size()).isEqualTo(b.size()).isPositive();
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.arrival(i)).isEqualTo(b.arrival(i));
    }
    // the rate peaks mid-period: more arrivals around 300 s than around 0 s
    assertThat(countBetween(a, 250, 350)).isGreaterThan(3 * countBetween(a, 0, 100));
  }
}
