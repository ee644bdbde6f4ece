package io.isthmus.agent.outbox;

import io.isthmus.protocol.delivery.IdempotencyKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of an {@link Outbox}, made by {@link #builder(Path, String)}; every setter
 * validates its argument and names it in the error.
 *
 * <pre>{@code
 * OutboxOptions options = OutboxOptions.builder(Path.of("/var/lib/isthmus/outbox"), "gw-17")
 *     .maxBytes(512L << 20)
 *     .fsyncPolicy(FsyncPolicy.INTERVAL)
 *     .fsyncInterval(Duration.ofMillis(50))
 *     .build();
 * }</pre>
 */
public final class OutboxOptions {
  public static final long DEFAULT_SEGMENT_BYTES = 16L << 20;
  public static final long DEFAULT_MAX_BYTES = 256L << 20;
  public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;
  public static final FsyncPolicy DEFAULT_FSYNC_POLICY = FsyncPolicy.ALWAYS;
  public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofMillis(100);
  public static final FullPolicy DEFAULT_FULL_POLICY = FullPolicy.DROP_OLDEST;

  private final Path dir;
  private final String gatewayId;
  private final long segmentBytes;
  private final long maxBytes;
  private final int maxRecordBytes;
  private final FsyncPolicy fsyncPolicy;
  private final Duration fsyncInterval;
  private final FullPolicy fullPolicy;
  private final Clock clock;

  private OutboxOptions(Builder b) {
    this.dir = b.dir;
    this.gatewayId = b.gatewayId;
    this.segmentBytes = b.segmentBytes;
    this.maxBytes = b.maxBytes;
    this.maxRecordBytes = b.maxRecordBytes;
    this.fsyncPolicy = b.fsyncPolicy;
    this.fsyncInterval = b.fsyncInterval;
    this.fullPolicy = b.fullPolicy;
    this.clock = b.clock;
  }

  /**
   * Options for an outbox in folder {@code dir} (created if needed) whose records carry {@code
   * gatewayId} in their idempotency keys.
   *
   * @throws IllegalArgumentException if {@code gatewayId} is blank or contains ':'
   */
  public static Builder builder(Path dir, String gatewayId) {
    return new Builder(dir, gatewayId);
  }

  public Path dir() {
    return dir;
  }

  public String gatewayId() {
    return gatewayId;
  }

  /** A segment file is closed and a new one started once it would grow beyond this. */
  public long segmentBytes() {
    return segmentBytes;
  }

  /** The disk quota: all segment files together stay within it. */
  public long maxBytes() {
    return maxBytes;
  }

  /** The largest payload {@link Outbox#append} accepts. */
  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  public FsyncPolicy fsyncPolicy() {
    return fsyncPolicy;
  }

  /** How often {@link FsyncPolicy#INTERVAL} syncs. */
  public Duration fsyncInterval() {
    return fsyncInterval;
  }

  public FullPolicy fullPolicy() {
    return fullPolicy;
  }

  Clock clock() {
    return clock;
  }

  /** Validating builder of {@link OutboxOptions}. */
  public static final class Builder {
    private final Path dir;
    private final String gatewayId;
    private long segmentBytes = DEFAULT_SEGMENT_BYTES;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private int maxRecordBytes; // 0: the default, capped to what a segment holds
    private FsyncPolicy fsyncPolicy = DEFAULT_FSYNC_POLICY;
    private Duration fsyncInterval = DEFAULT_FSYNC_INTERVAL;
    private FullPolicy fullPolicy = DEFAULT_FULL_POLICY;
    private Clock clock = Clock.systemUTC();

    private Builder(Path dir, String gatewayId) {
      this.dir = Objects.requireNonNull(dir, "dir");
      this.gatewayId = new IdempotencyKey(gatewayId, 1).gatewayId();
    }

    /** Segment size in bytes, at least 4 KiB. */
    public Builder segmentBytes(long segmentBytes) {
      this.segmentBytes = atLeast("segmentBytes", segmentBytes, 4096);
      return this;
    }

    /** Disk quota in bytes, at least twice the segment size (checked by {@link #build()}). */
    public Builder maxBytes(long maxBytes) {
      this.maxBytes = atLeast("maxBytes", maxBytes, 8192);
      return this;
    }

    /**
     * Largest payload in bytes, at least 1; a segment must hold one (see {@link #build()}). By
     * default {@value #DEFAULT_MAX_RECORD_BYTES}, or less if the segments are smaller.
     */
    public Builder maxRecordBytes(int maxRecordBytes) {
      this.maxRecordBytes = (int) atLeast("maxRecordBytes", maxRecordBytes, 1);
      return this;
    }

    public Builder fsyncPolicy(FsyncPolicy fsyncPolicy) {
      this.fsyncPolicy = Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
      return this;
    }

    /** Sync period of {@link FsyncPolicy#INTERVAL}, 1 ms to 1 min. */
    public Builder fsyncInterval(Duration fsyncInterval) {
      Objects.requireNonNull(fsyncInterval, "fsyncInterval");
      if (fsyncInterval.toMillis() < 1 || fsyncInterval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "fsyncInterval must be between 1 ms and 1 min, got " + fsyncInterval);
      }
      this.fsyncInterval = fsyncInterval;
      return this;
    }

    public Builder fullPolicy(FullPolicy fullPolicy) {
      this.fullPolicy = Objects.requireNonNull(fullPolicy, "fullPolicy");
      return this;
    }

    /** The clock that stamps records; for tests. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @throws IllegalArgumentException if the quota is below two segments, or a segment cannot hold
     *     a largest record
     */
    public OutboxOptions build() {
      if (maxBytes < 2 * segmentBytes) {
        throw new IllegalArgumentException(
            "maxBytes ("
                + maxBytes
                + ") must be at least twice segmentBytes ("
                + segmentBytes
                + ") so the oldest segment can be dropped while a new one fills");
      }
      int headers = Segment.HEADER_BYTES + RecordFormat.HEADER_BYTES;
      if (maxRecordBytes == 0) {
        maxRecordBytes = (int) Math.min(DEFAULT_MAX_RECORD_BYTES, segmentBytes - headers);
      }
      long largest = (long) headers + maxRecordBytes;
      if (largest > segmentBytes) {
        throw new IllegalArgumentException(
            "segmentBytes ("
                + segmentBytes
                + ") must hold a record of maxRecordBytes ("
                + maxRecordBytes
                + ") plus "
                + (largest - maxRecordBytes)
                + " bytes of headers");
      }
      return new OutboxOptions(this);
    }

    private static long atLeast(String name, long value, long min) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
      }
      return value;
    }
  }
}
