package io.isthmus.sim.load;

import java.time.Duration;

final class Rates {
  private Rates() {}

  static double positive(double rate, String name) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(name + " is " + rate + ", expected a positive rate");
    }
    return rate;
  }

  static Duration positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " is " + d + ", expected a positive duration");
    }
    return d;
  }

  static long nanos(Duration d) {
    return positive(d, "duration").toNanos();
  }

  static String rate(double r) {
    return (r == Math.rint(r) ? String.valueOf((long) r) : String.valueOf(r)) + "/s";
  }
}
