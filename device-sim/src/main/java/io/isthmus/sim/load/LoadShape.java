package io.isthmus.sim.load;

import java.time.Duration;

/**
 * How the total event rate of all devices varies over a run. A shape is immutable; {@link
 * #schedule} draws one run's arrival times, deterministic given the seed, so the same shape can be
 * paced in real time by the runner or counted on a simulated clock in tests.
 */
public interface LoadShape {

  /** The shape as the command line names it, with its parameters, e.g. {@code poisson(100/s)}. */
  String describe();

  /** The long-run mean rate over {@code duration}, events per second. */
  double meanRate(Duration duration);

  /**
   * The arrival times of one run of {@code duration}.
   *
   * @throws IllegalArgumentException if {@code duration} is not positive
   */
  ArrivalSchedule schedule(Duration duration, long seed);

  /** Evenly spaced arrivals: {@code ratePerSecond * duration} events, the first at time 0. */
  static LoadShape constant(double ratePerSecond) {
    return new ConstantLoad(Rates.positive(ratePerSecond, "ratePerSecond"));
  }

  /** A Poisson process: exponential gaps with mean {@code 1 / ratePerSecond}. */
  static LoadShape poisson(double ratePerSecond) {
    return new PoissonLoad(Rates.positive(ratePerSecond, "ratePerSecond"));
  }

  /**
   * An on/off Markov-modulated Poisson process: on and off periods of exponential length with means
   * {@code meanOn} and {@code meanOff}; Poisson arrivals while on, at the rate that makes the
   * long-run mean {@code ratePerSecond}; none while off. Each run starts on.
   */
  static LoadShape bursty(double ratePerSecond, Duration meanOn, Duration meanOff) {
    return new BurstyLoad(
        Rates.positive(ratePerSecond, "ratePerSecond"),
        Rates.positive(meanOn, "meanOn"),
        Rates.positive(meanOff, "meanOff"));
  }

  /**
   * Evenly spaced arrivals whose rate goes linearly from {@code fromPerSecond} to {@code
   * toPerSecond} over the run; either may be 0 but not both.
   */
  static LoadShape ramp(double fromPerSecond, double toPerSecond) {
    if (!(fromPerSecond >= 0) || !(toPerSecond >= 0) || fromPerSecond + toPerSecond <= 0) {
      throw new IllegalArgumentException(
          "ramp is "
              + fromPerSecond
              + " to "
              + toPerSecond
              + " events/s, expected two rates of at least 0, not both 0");
    }
    return new RampLoad(fromPerSecond, toPerSecond);
  }
}
