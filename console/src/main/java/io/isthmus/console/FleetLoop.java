package io.isthmus.console;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that changes fleet state: reports, desired states, rollout steps and operator
 * commands all run here in order, so the gateway registry and the rollout engine need no locks.
 */
public final class FleetLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetLoop.class);

  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "isthmus-fleet");
            t.setDaemon(true);
            return t;
          });

  /** Runs {@code work} on the fleet thread; the future fails with what it threw. */
  public <T> CompletableFuture<T> call(Callable<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    thread.execute(
        () -> {
          try {
            result.complete(work.call());
          } catch (Exception | Error e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  /**
   * Runs {@code work} on the fleet thread, logging what it throws (one bad message must not stop
   * the loop).
   */
  public void execute(String what, Runnable work) {
    if (thread.isShutdown()) {
      return;
    }
    thread.execute(() -> guarded(what, work));
  }

  /** Runs {@code work} every {@code period}. */
  public void every(Duration period, String what, Runnable work) {
    thread.scheduleWithFixedDelay(
        () -> guarded(what, work), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void guarded(String what, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      LOG.error("{} failed", what, e);
    }
  }

  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.shutdownNow();
    }
  }
}
