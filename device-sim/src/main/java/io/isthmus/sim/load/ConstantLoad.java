package io.isthmus.sim.load;

import java.time.Duration;

record ConstantLoad(double rate) implements LoadShape {
  @Override
  public String describe() {
    return "constant(" + Rates.rate(rate) + ")";
  }

  @Override
  public double meanRate(Duration duration) {
    return rate;
  }

  @Override
  public ArrivalSchedule schedule(Duration duration, long seed) {
    long end = Rates.nanos(duration);
    double gap = 1e9 / rate;
    return new ArrivalSchedule() {
      private long k;

      @Override
      public long nextNanos() {
        long t = Math.round(k * gap);
        if (t >= end) {
          return END;
        }
        k++;
        return t;
      }
    };
  }
}
