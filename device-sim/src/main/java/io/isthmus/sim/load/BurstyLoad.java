package io.isthmus.sim.load;

import java.time.Duration;
import java.util.SplittableRandom;

record BurstyLoad(double rate, Duration meanOn, Duration meanOff) implements LoadShape {
  @Override
  public String describe() {
    return "bursty("
        + Rates.rate(rate)
        + ", on "
        + meanOn.toMillis()
        + " ms, off "
        + meanOff.toMillis()
        + " ms)";
  }

  @Override
  public double meanRate(Duration duration) {
    return rate;
  }

  /** The Poisson rate while on, so that the long-run mean is {@link #rate()}. */
  double onRate() {
    double on = meanOn.toNanos();
    return rate * (on + meanOff.toNanos()) / on;
  }

  @Override
  public ArrivalSchedule schedule(Duration duration, long seed) {
    long end = Rates.nanos(duration);
    SplittableRandom rng = new SplittableRandom(seed);
    double onRatePerNano = onRate() / 1e9;
    return new ArrivalSchedule() {
      private double t;
      private double onUntil = exp(meanOn.toNanos());

      private double exp(double mean) {
        return -Math.log(1 - rng.nextDouble()) * mean;
      }

      @Override
      public long nextNanos() {
        t += exp(1 / onRatePerNano);
        // An arrival that falls after the on period ends is discarded: by memorylessness the
        // next on period starts its own exponential wait.
        while (t > onUntil) {
          double nextOn = onUntil + exp(meanOff.toNanos());
          onUntil = nextOn + exp(meanOn.toNanos());
          t = nextOn + exp(1 / onRatePerNano);
        }
        return t >= end ? END : (long) t;
      }
    };
  }
}
