package io.isthmus.offload.batch;

import io.isthmus.inference.InferenceException;
import io.isthmus.inference.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Forms batches of requests for one model and runs them on worker threads.
 *
 * <p>A dispatcher thread waits for a free instance slot, takes the oldest request and, when the
 * model's first dimension is a batch dimension, adds requests with the same non-batch shape until
 * the batch holds the plan's maximum rows or the first request has waited the plan's delay.
 * Requests that queued while every instance was busy join at once. Outputs are cut back into each
 * caller's rows in order, so every caller gets exactly its own rows. The plan is fixed, or chosen
 * by an {@link AdaptiveBatchTuner} for a p99 target.
 */
public final class DynamicBatcher implements AutoCloseable {
  /** Runs the model once; called on a worker thread. */
  @FunctionalInterface
  public interface Runner {
    Map<String, Tensor> run(Map<String, Tensor> inputs) throws InferenceException;
  }

  /** Observes batches: called on worker threads, must not block. */
  public interface Listener {
    /** A batch of {@code rows} rows in {@code requests} requests ran for {@code nanos}. */
    void batchRan(int rows, int requests, long nanos);

    /** A request waited {@code nanos} in the queue before its batch started. */
    void queued(long nanos);
  }

  private record Pending(
      Map<String, Tensor> inputs,
      int rows,
      String shapeKey,
      long enqueuedNanos,
      CompletableFuture<Map<String, Tensor>> result) {}

  private final Runner runner;
  private final boolean batchable;
  private final BatchPlan fixedPlan;
  private final AdaptiveBatchTuner tuner;
  private final Executor executor;
  private final Listener listener;
  private final Semaphore slots;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final ArrayDeque<Pending> deferred = new ArrayDeque<>(); // dispatcher thread only
  private List<Pending> forming = new ArrayList<>(); // dispatcher thread only
  private final Thread dispatcher;
  private volatile boolean closed;

  /**
   * @param name the model's name, for the dispatcher thread's name
   * @param batchable whether the first dimension of every input and output is a batch dimension;
   *     when false every request runs alone
   */
  public DynamicBatcher(
      String name,
      Runner runner,
      boolean batchable,
      BatchingOptions options,
      Executor executor,
      Listener listener) {
    this.runner = runner;
    this.batchable = batchable && options.maxBatchSize() > 1;
    this.fixedPlan = new BatchPlan(options.maxBatchSize(), options.maxQueueDelay().toNanos());
    this.tuner =
        options.adaptive()
            ? new AdaptiveBatchTuner(
                options.maxBatchSize(),
                options.instances(),
                options.p99Target().get().toNanos(),
                fixedPlan)
            : null;
    this.executor = executor;
    this.listener = listener;
    this.slots = new Semaphore(options.instances());
    this.dispatcher = new Thread(this::dispatch, "batcher-" + name);
    dispatcher.setDaemon(true);
    dispatcher.start();
  }

  /**
   * Queues one request. The future fails with the runner's {@link InferenceException}, with an
   * {@link IllegalStateException} if the model's outputs cannot be cut into rows, or with a {@link
   * CancellationException} if the batcher closes first.
   */
  public CompletableFuture<Map<String, Tensor>> submit(Map<String, Tensor> inputs) {
    CompletableFuture<Map<String, Tensor>> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new CancellationException("the model is being unloaded"));
      return result;
    }
    int rows = batchable ? (int) inputs.values().iterator().next().shape()[0] : 1;
    long now = System.nanoTime();
    if (tuner != null) {
      tuner.arrived(rows, now);
    }
    Pending pending = new Pending(inputs, rows, shapeKey(inputs), now, result);
    queue.add(pending);
    if (closed && queue.remove(pending)) { // closed while adding: the dispatcher may be gone
      result.completeExceptionally(new CancellationException("the model is being unloaded"));
    }
    return result;
  }

  /** The plan the next batch will use. */
  private BatchPlan plan() {
    return tuner != null ? tuner.plan() : fixedPlan;
  }

  /** Stops the dispatcher; requests still queued fail with a {@link CancellationException}. */
  @Override
  public void close() {
    closed = true;
    dispatcher.interrupt();
  }

  private void dispatch() {
    try {
      while (!closed) {
        slots.acquire();
        try {
          gather();
        } catch (InterruptedException e) {
          slots.release();
          throw e;
        }
        List<Pending> batch = forming;
        forming = new ArrayList<>();
        executor.execute(() -> run(batch));
      }
    } catch (InterruptedException e) {
      // closing
    } finally {
      CancellationException cancelled = new CancellationException("the model is being unloaded");
      forming.forEach(p -> p.result().completeExceptionally(cancelled));
      deferred.forEach(p -> p.result().completeExceptionally(cancelled));
      queue.forEach(p -> p.result().completeExceptionally(cancelled));
    }
  }

  /** Fills {@link #forming} with the next batch; what it holds is cancelled if interrupted. */
  private void gather() throws InterruptedException {
    Pending first = deferred.isEmpty() ? queue.take() : deferred.poll();
    List<Pending> batch = forming;
    batch.add(first);
    BatchPlan plan = plan();
    if (!batchable || first.rows() >= plan.maxBatchSize()) {
      return;
    }
    int rows = first.rows();
    for (Iterator<Pending> it = deferred.iterator(); it.hasNext() && rows < plan.maxBatchSize(); ) {
      Pending p = it.next();
      if (fits(first, p, rows, plan)) {
        batch.add(p);
        rows += p.rows();
        it.remove();
      }
    }
    long deadline = first.enqueuedNanos() + plan.delayNanos();
    while (rows < plan.maxBatchSize()) {
      long wait = deadline - System.nanoTime();
      Pending next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
      if (next == null) {
        break;
      }
      if (fits(first, next, rows, plan)) {
        batch.add(next);
        rows += next.rows();
      } else {
        deferred.add(next);
      }
    }
  }

  private static boolean fits(Pending first, Pending candidate, int rows, BatchPlan plan) {
    return candidate.shapeKey().equals(first.shapeKey())
        && rows + candidate.rows() <= plan.maxBatchSize();
  }

  private void run(List<Pending> batch) {
    long start = System.nanoTime();
    try {
      int[] rows = new int[batch.size()];
      List<Map<String, Tensor>> inputs = new ArrayList<>(batch.size());
      int totalRows = 0;
      for (int i = 0; i < rows.length; i++) {
        Pending p = batch.get(i);
        listener.queued(start - p.enqueuedNanos());
        rows[i] = p.rows();
        totalRows += p.rows();
        inputs.add(p.inputs());
      }
      Map<String, Tensor> outputs =
          runner.run(batch.size() == 1 ? inputs.get(0) : RowBatch.concat(inputs));
      long nanos = System.nanoTime() - start;
      listener.batchRan(totalRows, batch.size(), nanos);
      if (tuner != null) {
        tuner.observe(totalRows, nanos);
      }
      if (batch.size() == 1) {
        batch.get(0).result().complete(outputs);
      } else {
        List<Map<String, Tensor>> pieces = RowBatch.split(outputs, rows);
        for (int i = 0; i < pieces.size(); i++) {
          batch.get(i).result().complete(pieces.get(i));
        }
      }
    } catch (InferenceException | RuntimeException e) {
      batch.forEach(p -> p.result().completeExceptionally(e));
    } finally {
      slots.release();
    }
  }

  /** Names, types and non-batch dimensions: requests batch together only when these match. */
  private String shapeKey(Map<String, Tensor> inputs) {
    if (!batchable) {
      return "";
    }
    StringBuilder key = new StringBuilder();
    for (Map.Entry<String, Tensor> input : inputs.entrySet()) {
      long[] shape = input.getValue().shape();
      key.append(input.getKey()).append(':').append(input.getValue().dataType());
      for (int i = 1; i < shape.length; i++) {
        key.append(',').append(shape[i]);
      }
      key.append(';');
    }
    return key.toString();
  }
}
