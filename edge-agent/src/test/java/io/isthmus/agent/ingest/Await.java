package io.isthmus.agent.ingest;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Test-side waiting: polls with small sleeps up to a deadline, never a fixed sleep. */
final class Await {

  private Await() {}

  static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + timeout + " waiting for " + what.get());
      }
      Thread.sleep(10);
    }
  }

  static <T> T result(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new AssertionError("future not complete after 10 s", e);
    }
  }

  /** The failure of {@code future}, or an assertion error when it succeeds. */
  static Throwable failure(Future<?> future) throws InterruptedException {
    try {
      future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("future not complete after 15 s", e);
    }
    throw new AssertionError("expected the future to fail, but it succeeded");
  }
}
