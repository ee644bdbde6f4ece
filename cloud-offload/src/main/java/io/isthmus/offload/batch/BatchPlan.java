package io.isthmus.offload.batch;

/**
 * The batch size and queue delay the batcher uses for its next batch.
 *
 * @param maxBatchSize the most rows in the batch, at least 1
 * @param delayNanos how long the first request waits for others, at least 0
 */
public record BatchPlan(int maxBatchSize, long delayNanos) {
  /**
   * @throws IllegalArgumentException if a value is out of range
   */
  public BatchPlan {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be at least 1, was " + maxBatchSize);
    }
    if (delayNanos < 0) {
      throw new IllegalArgumentException("delayNanos must not be negative, was " + delayNanos);
    }
  }
}
