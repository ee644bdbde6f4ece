package io.isthmus.agent.exec;

import io.isthmus.agent.config.PipelineConfig.BatchSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's worker threads (platform threads, never a Vert.x event loop): each takes a batch
 * from the {@link EventQueue} and hands it to the {@link BatchHandler}. {@link #stop} lets them
 * drain the queue for up to a timeout, then interrupts them.
 */
public final class PipelineWorkers<P> {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineWorkers.class);
  private static final Duration POLL = Duration.ofMillis(100);

  /**
   * Processes one batch in two steps; both must turn every per-event failure into a counted
   * rejection. {@link #prepare} runs in queue order (one worker at a time), so stateful
   * pre-processing such as a per-device window sees each device's events in the order they came;
   * {@link #run} (the model) runs on several workers at once.
   */
  public interface BatchHandler<P> {
    P prepare(List<QueuedEvent> batch);

    void run(P prepared);
  }

  private final String pipeline;
  private final EventQueue queue;
  private final BatchSettings batch;
  private final BatchHandler<P> handler;
  // held from taking a batch until it is prepared: keeps per-device order across workers
  private final Object inOrder = new Object();
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch exited;
  private volatile boolean stopping;
  private volatile boolean started;

  public PipelineWorkers(
      String pipeline,
      int workers,
      EventQueue queue,
      BatchSettings batch,
      BatchHandler<P> handler) {
    this.pipeline = pipeline;
    this.queue = queue;
    this.batch = batch;
    this.handler = handler;
    this.exited = new CountDownLatch(workers);
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(this::loop, "isthmus-" + pipeline + "-worker-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
  }

  public void start() {
    started = true;
    threads.forEach(Thread::start);
  }

  private void loop() {
    try {
      while (!stopping || queue.size() > 0) {
        P prepared = null;
        synchronized (inOrder) {
          List<QueuedEvent> events = queue.takeBatch(batch.max(), POLL, batch.maxDelay());
          if (!events.isEmpty()) {
            prepared = handler.prepare(events);
          }
        }
        if (prepared != null) {
          handler.run(prepared);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      exited.countDown();
    }
  }

  /**
   * Stops taking new work once the queue is empty, waiting up to {@code drain}; returns whether
   * every worker finished in time (the rest are interrupted). Blocks: call it off the event loop.
   */
  public boolean stop(Duration drain) {
    stopping = true;
    if (!started) {
      return true;
    }
    boolean drained;
    try {
      drained = exited.await(drain.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = false;
    }
    if (!drained) {
      LOG.warn(
          "pipeline={} workers did not drain in {} ms, {} events left; interrupting",
          pipeline,
          drain.toMillis(),
          queue.size());
      threads.forEach(Thread::interrupt);
    }
    return drained;
  }
}
