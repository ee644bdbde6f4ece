package io.isthmus.sim.load;

import java.time.Duration;

record RampLoad(double from, double to) implements LoadShape {
  @Override
  public String describe() {
    return "ramp(" + Rates.rate(from) + " -> " + Rates.rate(to) + ")";
  }

  @Override
  public double meanRate(Duration duration) {
    return (from + to) / 2;
  }

  @Override
  public ArrivalSchedule schedule(Duration duration, long seed) {
    long end = Rates.nanos(duration);
    double d = end / 1e9;
    double a = (to - from) / (2 * d);
    return new ArrivalSchedule() {
      private long k;

      @Override
      public long nextNanos() {
        // The k-th arrival is where the cumulative count from*t + a*t^2 reaches k.
        double t;
        if (Math.abs(a) < 1e-12) {
          t = k / from;
        } else {
          double disc = from * from + 4 * a * k;
          if (disc < 0) {
            return END;
          }
          t = (-from + Math.sqrt(disc)) / (2 * a);
        }
        long nanos = Math.round(t * 1e9);
        if (nanos >= end || t < 0) {
          return END;
        }
        k++;
        return nanos;
      }
    };
  }
}
