package io.isthmus.agent.ingest;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: attempt {@code n} (from 1) waits a random time between half and
 * all of {@code min(max, initial * 2^(n-1))}. The jitter spreads the reconnects of a fleet of
 * gateways after a broker restart; keeping half of the delay keeps a lost broker from being
 * hammered.
 */
public final class ReconnectBackoff {

  private final long initialMillis;
  private final long maxMillis;
  private final DoubleSupplier random;

  public ReconnectBackoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialMillis = Math.max(1, initial.toMillis());
    this.maxMillis = Math.max(initialMillis, max.toMillis());
    this.random = random;
  }

  /** The delay before attempt {@code attempt} (1 for the first retry), at least 1 ms. */
  public long delayMillis(int attempt) {
    int doublings = Math.min(Math.max(attempt, 1) - 1, 40);
    long ceiling = initialMillis << doublings;
    if (ceiling <= 0 || ceiling > maxMillis) {
      ceiling = maxMillis;
    }
    long half = ceiling / 2;
    return Math.max(1, half + (long) (random.getAsDouble() * (ceiling - half)));
  }
}
