package io.isthmus.agent.offload;

import io.isthmus.agent.config.SplitSettings.BreakerSettings;
import java.util.function.LongSupplier;

/**
 * Keeps events off a cloud that is failing. CLOSED lets every call through and opens after {@code
 * failures} consecutive failures, or when the failure share of the last {@code window} calls
 * reaches {@code errorRate}. OPEN refuses calls for {@code coolDown}, then turns HALF_OPEN and lets
 * exactly one probe call through: its success closes the breaker (and clears the history), its
 * failure opens it for another cool-down. Thread-safe.
 */
public final class CircuitBreaker {
  /** The breaker's state. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final BreakerSettings settings;
  private final LongSupplier nanoClock;
  private final boolean[] outcomes;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private int recorded;
  private int next;
  private int failuresInWindow;
  private long openedAt;
  private boolean probeInFlight;

  /** A breaker on {@code nanoClock} ({@code System::nanoTime} outside tests). */
  public CircuitBreaker(BreakerSettings settings, LongSupplier nanoClock) {
    this.settings = settings;
    this.nanoClock = nanoClock;
    this.outcomes = new boolean[settings.window()];
  }

  /**
   * Whether a call may go to the cloud now. In HALF_OPEN only the caller that gets {@code true} may
   * call, and it must report {@link #onSuccess} or {@link #onFailure}.
   */
  public synchronized boolean tryAcquire() {
    if (state == State.OPEN && nanoClock.getAsLong() - openedAt >= settings.coolDown().toNanos()) {
      state = State.HALF_OPEN;
      probeInFlight = false;
    }
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> false;
      case HALF_OPEN -> {
        boolean mine = !probeInFlight;
        probeInFlight = true;
        yield mine;
      }
    };
  }

  public synchronized void onSuccess() {
    if (state == State.HALF_OPEN) {
      state = State.CLOSED;
      clearHistory();
      return;
    }
    consecutiveFailures = 0;
    record(false);
  }

  public synchronized void onFailure() {
    if (state == State.HALF_OPEN) {
      open();
      return;
    }
    if (state == State.OPEN) {
      return; // a call that started before the breaker opened
    }
    consecutiveFailures++;
    record(true);
    boolean windowFull = recorded == outcomes.length;
    if (consecutiveFailures >= settings.failures()
        || (windowFull && failuresInWindow >= settings.errorRate() * outcomes.length)) {
      open();
    }
  }

  public synchronized State state() {
    if (state == State.OPEN && nanoClock.getAsLong() - openedAt >= settings.coolDown().toNanos()) {
      return State.HALF_OPEN;
    }
    return state;
  }

  private void open() {
    state = State.OPEN;
    openedAt = nanoClock.getAsLong();
    probeInFlight = false;
    clearHistory();
  }

  private void clearHistory() {
    consecutiveFailures = 0;
    recorded = 0;
    next = 0;
    failuresInWindow = 0;
  }

  private void record(boolean failure) {
    if (recorded == outcomes.length && outcomes[next]) {
      failuresInWindow--;
    }
    outcomes[next] = failure;
    if (failure) {
      failuresInWindow++;
    }
    next = (next + 1) % outcomes.length;
    recorded = Math.min(recorded + 1, outcomes.length);
  }
}
