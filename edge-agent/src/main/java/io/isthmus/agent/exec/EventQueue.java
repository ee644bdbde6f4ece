package io.isthmus.agent.exec;

import io.isthmus.agent.config.PipelineConfig.Overload;
import io.isthmus.agent.metrics.PipelineMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pipeline's bounded queue between the MQTT thread and the workers. {@link #offer} never blocks:
 * when full, {@link Overload#DROP_OLDEST} evicts the oldest event (counted as {@code
 * dropped{reason=overload}}) and {@link Overload#REJECT} refuses the new one (counted as {@code
 * rejected{reason=queue_full}}).
 */
public final class EventQueue {
  public static final String OVERLOAD = "overload";
  public static final String QUEUE_FULL = "queue_full";

  private final ArrayBlockingQueue<QueuedEvent> queue;
  private final int capacity;
  private final Overload overload;
  private final PipelineMetrics metrics;
  private final AtomicInteger highWater = new AtomicInteger();

  public EventQueue(int capacity, Overload overload, PipelineMetrics metrics) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.capacity = capacity;
    this.overload = overload;
    this.metrics = metrics;
    metrics.queueDepth(queue::size, highWater::get);
  }

  /** Queues {@code event}; returns false when it was rejected. */
  public boolean offer(QueuedEvent event) {
    while (!queue.offer(event)) {
      if (overload == Overload.REJECT) {
        metrics.rejected(QUEUE_FULL, 1);
        return false;
      }
      if (queue.poll() != null) {
        metrics.dropped(OVERLOAD, 1);
      }
    }
    highWater.accumulateAndGet(queue.size(), Math::max);
    return true;
  }

  /**
   * Waits up to {@code wait} for a first event, then takes what else is waiting up to {@code max}
   * events in all, waiting at most {@code maxDelay} more for stragglers. Empty when none came.
   */
  public List<QueuedEvent> takeBatch(int max, Duration wait, Duration maxDelay)
      throws InterruptedException {
    QueuedEvent first = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
    if (first == null) {
      return List.of();
    }
    if (max == 1) {
      return List.of(first);
    }
    List<QueuedEvent> batch = new java.util.ArrayList<>(max);
    batch.add(first);
    queue.drainTo(batch, max - 1);
    long deadline = System.nanoTime() + maxDelay.toNanos();
    while (batch.size() < max) {
      long left = deadline - System.nanoTime();
      QueuedEvent next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
      if (next == null) {
        break;
      }
      batch.add(next);
      queue.drainTo(batch, max - batch.size());
    }
    return batch;
  }

  /** Empties the queue and returns how many events it held (for counting them at shutdown). */
  public int discard() {
    List<QueuedEvent> left = new java.util.ArrayList<>();
    queue.drainTo(left);
    return left.size();
  }

  public int size() {
    return queue.size();
  }

  public int capacity() {
    return capacity;
  }

  /** The most events ever waiting at once. */
  public int highWater() {
    return highWater.get();
  }
}
