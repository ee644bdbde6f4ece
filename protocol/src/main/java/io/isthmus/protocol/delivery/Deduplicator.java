package io.isthmus.protocol.delivery;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The consumer's half of exactly-once-after-deduplication: remembers, per gateway, the highest
 * sequence seen (the high-water mark) and which of the {@code window} sequences below it were seen,
 * and says whether a record is new. An outbox delivers in order and at least once, so a redelivery
 * is always at or below the mark; the window also absorbs reordering by a transport with several
 * messages in flight. A sequence older than the window is treated as a duplicate.
 *
 * <p>To survive its own restarts a consumer stores each gateway's mark with the data it wrote (in
 * one transaction) and passes it to {@link #restore}. Thread-safe.
 */
public final class Deduplicator {
  public static final int DEFAULT_WINDOW = 1 << 16;

  private final int window;
  private final Map<String, Seen> gateways = new ConcurrentHashMap<>();

  /** A deduplicator remembering {@value #DEFAULT_WINDOW} sequences per gateway. */
  public Deduplicator() {
    this(DEFAULT_WINDOW);
  }

  /**
   * @throws IllegalArgumentException if {@code window} is not a positive multiple of 64
   */
  public Deduplicator(int window) {
    if (window < 64 || window % 64 != 0) {
      throw new IllegalArgumentException("window must be a positive multiple of 64, got " + window);
    }
    this.window = window;
  }

  /** Whether {@code key} is seen for the first time; it counts as seen from now on. */
  public boolean firstSeen(IdempotencyKey key) {
    Seen seen = gateways.computeIfAbsent(key.gatewayId(), id -> new Seen(window));
    synchronized (seen) {
      return seen.mark(key.sequence());
    }
  }

  /** The highest sequence seen from {@code gatewayId}, 0 if none. */
  public long highWaterMark(String gatewayId) {
    Seen seen = gateways.get(gatewayId);
    if (seen == null) {
      return 0;
    }
    synchronized (seen) {
      return seen.high;
    }
  }

  /**
   * Starts {@code gatewayId} over with everything up to {@code highWaterMark} seen, as a consumer
   * restarting from its stored mark does.
   */
  public void restore(String gatewayId, long highWaterMark) {
    new IdempotencyKey(gatewayId, 1); // validates the id
    Seen seen = new Seen(window);
    seen.high = Math.max(0, highWaterMark);
    seen.bits = new long[window / 64];
    Arrays.fill(seen.bits, -1L);
    gateways.put(gatewayId, seen);
  }

  /** A ring of {@code window} bits, bit {@code s % window} standing for sequence s. */
  private static final class Seen {
    private final int window;
    private long[] bits;
    private long high;

    Seen(int window) {
      this.window = window;
      this.bits = new long[window / 64];
    }

    boolean mark(long sequence) {
      if (sequence > high) {
        for (long s = Math.max(high + 1, sequence - window + 1); s < sequence; s++) {
          clear(s);
        }
        high = sequence;
        set(sequence);
        return true;
      }
      if (sequence <= high - window || isSet(sequence)) {
        return false;
      }
      set(sequence);
      return true;
    }

    private boolean isSet(long s) {
      int i = (int) (s % window);
      return (bits[i >>> 6] & (1L << (i & 63))) != 0;
    }

    private void set(long s) {
      int i = (int) (s % window);
      bits[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long s) {
      int i = (int) (s % window);
      bits[i >>> 6] &= ~(1L << (i & 63));
    }
  }
}
