package io.isthmus.agent.sync;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * Caps a download's rate by pacing its reads: after each chunk the reading thread waits until the
 * bytes read so far fit the budget. Only the sync thread reads downloads, and it has nothing else
 * to do meanwhile, so waiting on it is the cap rather than a blocked event loop.
 */
final class Throttle {
  private final long bytesPerSecond;
  private final long started = System.nanoTime();
  private long bytes;

  /** {@code bytesPerSecond} 0 means no cap. */
  Throttle(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
  }

  void consumed(int n) throws IOException {
    if (bytesPerSecond <= 0) {
      return;
    }
    bytes += n;
    long due = started + bytes * 1_000_000_000L / bytesPerSecond;
    long wait = due - System.nanoTime();
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("download interrupted");
      }
    }
  }
}
