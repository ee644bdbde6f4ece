package io.isthmus.sim.load;

import java.time.Duration;
import java.util.SplittableRandom;

record PoissonLoad(double rate) implements LoadShape {
  @Override
  public String describe() {
    return "poisson(" + Rates.rate(rate) + ")";
  }

  @Override
  public double meanRate(Duration duration) {
    return rate;
  }

  @Override
  public ArrivalSchedule schedule(Duration duration, long seed) {
    long end = Rates.nanos(duration);
    SplittableRandom rng = new SplittableRandom(seed);
    return new ArrivalSchedule() {
      private double t = exp();

      private double exp() {
        return -Math.log(1 - rng.nextDouble()) * 1e9 / rate;
      }

      @Override
      public long nextNanos() {
        if (t >= end) {
          return END;
        }
        long now = (long) t;
        t += exp();
        return now;
      }
    };
  }
}
