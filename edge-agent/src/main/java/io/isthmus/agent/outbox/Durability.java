package io.isthmus.agent.outbox;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes appended records durable as the {@link FsyncPolicy} says: under {@code ALWAYS} an append
 * waits in {@link #awaitDurable} for a sync that started after its write, so appends that arrive
 * while a sync runs share the next one (group commit); under {@code INTERVAL} a daemon thread syncs
 * periodically; under {@code NEVER} nothing is synced here.
 */
final class Durability implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Durability.class);

  /** The segment being written and the last sequence written to the outbox, read together. */
  record Head(Segment segment, long lastSequence) {}

  private final FsyncPolicy policy;
  private final Supplier<Head> head;
  private final AtomicLong durable;
  private final ReentrantLock syncLock = new ReentrantLock();
  private final ScheduledExecutorService syncer;

  /**
   * @param head reads the outbox's head consistently (under its write lock)
   * @param durableUpTo the sequence already on disk when the outbox opened
   */
  Durability(OutboxOptions options, Supplier<Head> head, long durableUpTo) {
    this.policy = options.fsyncPolicy();
    this.head = head;
    this.durable = new AtomicLong(durableUpTo);
    if (policy == FsyncPolicy.INTERVAL) {
      syncer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread thread = new Thread(r, "outbox-sync-" + options.gatewayId());
                thread.setDaemon(true);
                return thread;
              });
      long period = options.fsyncInterval().toMillis();
      syncer.scheduleWithFixedDelay(this::periodicSync, period, period, TimeUnit.MILLISECONDS);
    } else {
      syncer = null;
    }
  }

  /** Whether sealed segments and the ack cursor are synced (all policies but never). */
  boolean syncs() {
    return policy != FsyncPolicy.NEVER;
  }

  /** Returns once {@code sequence} is durable as the policy requires of an append. */
  void awaitDurable(long sequence) throws IOException {
    if (policy == FsyncPolicy.ALWAYS) {
      syncTo(sequence);
    }
  }

  /** Notes that a segment up to {@code lastSequence} was synced as it was sealed. */
  void sealed(long lastSequence) {
    if (syncs()) {
      durable.accumulateAndGet(lastSequence, Math::max);
    }
  }

  /** Stops the periodic sync; the outbox syncs its last segment as it closes. */
  @Override
  public void close() {
    if (syncer != null) {
      syncer.shutdown();
      try {
        syncer.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void syncTo(long sequence) throws IOException {
    if (durable.get() >= sequence) {
      return;
    }
    syncLock.lock();
    try {
      if (durable.get() >= sequence) {
        return; // a sync that started after our write covered it
      }
      Head now = head.get();
      now.segment().sync(); // earlier segments were synced when sealed
      durable.accumulateAndGet(now.lastSequence(), Math::max);
    } finally {
      syncLock.unlock();
    }
  }

  private void periodicSync() {
    try {
      syncTo(head.get().lastSequence());
    } catch (IOException | RuntimeException e) {
      LOG.error("Outbox periodic fsync failed", e);
    }
  }
}
