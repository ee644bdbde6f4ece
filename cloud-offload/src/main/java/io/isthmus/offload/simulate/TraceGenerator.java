package io.isthmus.offload.simulate;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/** Generated arrival traces; the same seed gives the same trace. */
public final class TraceGenerator {
  private final SplittableRandom random;

  /** A generator whose traces depend only on {@code seed}. */
  public TraceGenerator(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** Poisson arrivals at a constant rate (requests per second). */
  public ArrivalTrace poisson(double rate, double durationSeconds) {
    return inhomogeneous(t -> rate, rate, durationSeconds);
  }

  /**
   * Bursty on/off arrivals, a two-state Markov-modulated Poisson process: Poisson at {@code
   * baseRate} in the off state and {@code burstRate} in the on state; the time spent in each state
   * is exponential with the given means.
   */
  public ArrivalTrace bursty(
      double baseRate,
      double burstRate,
      double meanOnSeconds,
      double meanOffSeconds,
      double durationSeconds) {
    positive("meanOnSeconds", meanOnSeconds);
    positive("meanOffSeconds", meanOffSeconds);
    if (!(baseRate >= 0) || !(burstRate >= 0)) {
      throw new IllegalArgumentException(
          "baseRate and burstRate must be >= 0, got " + baseRate + " and " + burstRate);
    }
    double[] times = new double[16];
    int n = 0;
    double t = 0;
    boolean on = false;
    while (t < durationSeconds) {
      double end =
          Math.min(durationSeconds, t + exponential(1 / (on ? meanOnSeconds : meanOffSeconds)));
      double rate = on ? burstRate : baseRate;
      for (double a = t + exponential(rate); a < end; a += exponential(rate)) {
        if (n == times.length) {
          times = Arrays.copyOf(times, n * 2);
        }
        times[n++] = a;
      }
      t = end;
      on = !on;
    }
    return ArrivalTrace.of(durationSeconds, Arrays.copyOf(times, n));
  }

  /**
   * Periodic bursts: {@code baseRate} with a burst at {@code burstRate} lasting {@code
   * burstSeconds} every {@code periodSeconds}, the first starting at {@code periodSeconds -
   * burstSeconds}.
   */
  public ArrivalTrace periodic(
      double baseRate,
      double burstRate,
      double periodSeconds,
      double burstSeconds,
      double durationSeconds) {
    positive("periodSeconds", periodSeconds);
    if (!(burstSeconds > 0 && burstSeconds < periodSeconds)) {
      throw new IllegalArgumentException(
          "burstSeconds must be in (0, periodSeconds), got " + burstSeconds);
    }
    return inhomogeneous(
        t -> (t % periodSeconds) >= periodSeconds - burstSeconds ? burstRate : baseRate,
        Math.max(baseRate, burstRate),
        durationSeconds);
  }

  /**
   * A diurnal pattern: the rate follows a sine between {@code minRate} and {@code maxRate} per
   * period.
   */
  public ArrivalTrace diurnal(
      double minRate, double maxRate, double periodSeconds, double durationSeconds) {
    positive("periodSeconds", periodSeconds);
    double mid = (minRate + maxRate) / 2;
    double amplitude = (maxRate - minRate) / 2;
    return inhomogeneous(
        t -> mid - amplitude * Math.cos(2 * Math.PI * t / periodSeconds), maxRate, durationSeconds);
  }

  // Lewis-Shedler thinning of a Poisson process at maxRate.
  private ArrivalTrace inhomogeneous(
      DoubleUnaryOperator rate, double maxRate, double durationSeconds) {
    if (!(maxRate >= 0) || !(rate.applyAsDouble(0) >= 0)) {
      throw new IllegalArgumentException("rates must be >= 0, got " + maxRate);
    }
    double[] times = new double[16];
    int n = 0;
    for (double t = exponential(maxRate); t < durationSeconds; t += exponential(maxRate)) {
      if (random.nextDouble() * maxRate < rate.applyAsDouble(t)) {
        if (n == times.length) {
          times = Arrays.copyOf(times, n * 2);
        }
        times[n++] = t;
      }
    }
    return ArrivalTrace.of(durationSeconds, Arrays.copyOf(times, n));
  }

  private double exponential(double rate) {
    return rate <= 0 ? Double.POSITIVE_INFINITY : -Math.log(1 - random.nextDouble()) / rate;
  }

  private static void positive(String name, double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
