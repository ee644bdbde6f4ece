package io.isthmus.offload.batch;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How requests for one model are batched, validated on construction.
 *
 * @param maxBatchSize the most rows one run takes (1 turns batching off)
 * @param maxQueueDelay how long the first request of a batch waits for others
 * @param p99Target when present, the adaptive mode: delay and batch size are picked from measured
 *     service times and the arrival rate to keep p99 latency under this target, {@code
 *     maxBatchSize} is then the upper bound and {@code maxQueueDelay} the starting delay
 * @param instances how many runs of one model may execute at the same time
 */
public record BatchingOptions(
    int maxBatchSize, Duration maxQueueDelay, Optional<Duration> p99Target, int instances) {
  public static final int DEFAULT_MAX_BATCH_SIZE = 8;
  public static final Duration DEFAULT_MAX_QUEUE_DELAY = Duration.ofMillis(2);
  public static final int DEFAULT_INSTANCES = 1;
  public static final int MAX_BATCH_SIZE_LIMIT = 4096;

  /**
   * @throws IllegalArgumentException naming the bad value
   */
  public BatchingOptions {
    Objects.requireNonNull(maxQueueDelay, "maxQueueDelay");
    Objects.requireNonNull(p99Target, "p99Target");
    if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE_LIMIT) {
      throw new IllegalArgumentException(
          "maxBatchSize must be between 1 and " + MAX_BATCH_SIZE_LIMIT + ", was " + maxBatchSize);
    }
    if (maxQueueDelay.isNegative()) {
      throw new IllegalArgumentException(
          "maxQueueDelay must not be negative, was " + maxQueueDelay);
    }
    if (p99Target.isPresent() && (p99Target.get().isNegative() || p99Target.get().isZero())) {
      throw new IllegalArgumentException("p99Target must be positive, was " + p99Target.get());
    }
    if (instances < 1 || instances > 256) {
      throw new IllegalArgumentException("instances must be between 1 and 256, was " + instances);
    }
  }

  /** Batches of up to 8 rows, 2 ms delay, one instance, not adaptive. */
  public static BatchingOptions defaults() {
    return new BatchingOptions(
        DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_QUEUE_DELAY, Optional.empty(), DEFAULT_INSTANCES);
  }

  /** Whether the delay and batch size adapt to a p99 target. */
  public boolean adaptive() {
    return p99Target.isPresent();
  }
}
