package io.isthmus.agent.exec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs at most one line per key (a rejection reason) per interval; the lines in between are counted
 * and the next line says how many were suppressed.
 */
public final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();

  public RateLimitedLog(Logger log, java.time.Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  /** Logs {@code message} for {@code key} at WARN unless one was logged within the interval. */
  public boolean warn(String key, String message) {
    Slot slot = slots.computeIfAbsent(key, k -> new Slot());
    long now = System.nanoTime();
    long last = slot.lastNanos.get();
    if (last != Long.MIN_VALUE && now - last < intervalNanos
        || !slot.lastNanos.compareAndSet(last, now)) {
      slot.suppressed.incrementAndGet();
      return false;
    }
    long suppressed = slot.suppressed.getAndSet(0);
    if (suppressed > 0) {
      log.warn("{} (reason={}, {} similar suppressed)", message, key, suppressed);
    } else {
      log.warn("{} (reason={})", message, key);
    }
    return true;
  }

  private static final class Slot {
    final AtomicLong lastNanos = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong suppressed = new AtomicLong();
  }
}
