package io.isthmus.agent.offload;

import java.util.OptionalDouble;

/**
 * An exponentially weighted moving average: the first sample seeds it, each later one moves it by
 * {@code alpha} of the difference. Thread-safe.
 */
final class Ewma {
  private final double alpha;
  private double value;
  private boolean seeded;

  /**
   * @throws IllegalArgumentException if {@code alpha} is not in (0, 1]
   */
  Ewma(double alpha) {
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
    }
    this.alpha = alpha;
  }

  synchronized void add(double sample) {
    value = seeded ? value + alpha * (sample - value) : sample;
    seeded = true;
  }

  /** The average, empty before the first sample. */
  synchronized OptionalDouble value() {
    return seeded ? OptionalDouble.of(value) : OptionalDouble.empty();
  }
}
