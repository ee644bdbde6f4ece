package io.isthmus.offload.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.inference.InferenceException;
import io.isthmus.inference.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DynamicBatcherTest {
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final List<Integer> batchRows = new CopyOnWriteArrayList<>();
  private final DynamicBatcher.Listener listener =
      new DynamicBatcher.Listener() {
        @Override
        public void batchRan(int rows, int requests, long nanos) {
          batchRows.add(rows);
        }

        @Override
        public void queued(long nanos) {}
      };

  @AfterEach
  void stop() {
    workers.shutdownNow();
  }

  /** y = 10 x + row index within the run: a caller given another caller's rows would notice. */
  private static Map<String, Tensor> affine(Map<String, Tensor> inputs) {
    Tensor x = inputs.get("x");
    float[] values = x.toFloatArray();
    long[] shape = x.shape();
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = 10 * values[i];
    }
    return Map.of("y", Tensor.ofFloats(shape, out));
  }

  private static Map<String, Tensor> rows(float... values) {
    return Map.of("x", Tensor.ofFloats(new long[] {values.length, 1}, values));
  }

  @Test
  void requestsQueuedTogetherRunAsOneBatchAndEachGetsItsOwnRows() throws Exception {
    // GIVEN a batcher that waits long enough for every submit to arrive
    BatchingOptions options = new BatchingOptions(64, Duration.ofSeconds(2), Optional.empty(), 1);
    try (DynamicBatcher batcher =
        new DynamicBatcher("m", DynamicBatcherTest::affine, true, options, workers, listener)) {
      // WHEN 16 callers with 1 to 3 rows each submit at once
      List<CompletableFuture<Map<String, Tensor>>> results = new ArrayList<>();
      int totalRows = 0;
      for (int i = 0; i < 16; i++) {
        int n = 1 + i % 3;
        float[] values = new float[n];
        for (int r = 0; r < n; r++) {
          values[r] = i * 100 + r;
        }
        totalRows += n;
        results.add(batcher.submit(rows(values)));
      }

      // THEN every caller gets 10x its own rows, in one run of all rows
      for (int i = 0; i < 16; i++) {
        int n = 1 + i % 3;
        float[] expected = new float[n];
        for (int r = 0; r < n; r++) {
          expected[r] = 10 * (i * 100 + r);
        }
        Tensor y = results.get(i).get(5, TimeUnit.SECONDS).get("y");
        assertThat(y.shape()).containsExactly(n, 1);
        assertThat(y.toFloatArray()).containsExactly(expected);
      }
      assertThat(batchRows).containsExactly(totalRows);
    }
  }

  @Test
  void batchesNeverExceedTheMaximumRows() throws Exception {
    BatchingOptions options = new BatchingOptions(4, Duration.ofSeconds(1), Optional.empty(), 1);
    try (DynamicBatcher batcher =
        new DynamicBatcher("m", DynamicBatcherTest::affine, true, options, workers, listener)) {
      List<CompletableFuture<Map<String, Tensor>>> results = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        results.add(batcher.submit(rows(i)));
      }
      for (int i = 0; i < 10; i++) {
        assertThat(results.get(i).get(5, TimeUnit.SECONDS).get("y").toFloatArray())
            .containsExactly(10f * i);
      }
      assertThat(batchRows).allSatisfy(rows -> assertThat(rows).isLessThanOrEqualTo(4));
      assertThat(batchRows.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
    }
  }

  @Test
  void aModelWithoutBatchDimensionRunsEachRequestAlone() throws Exception {
    BatchingOptions options = new BatchingOptions(8, Duration.ofMillis(200), Optional.empty(), 1);
    try (DynamicBatcher batcher =
        new DynamicBatcher("m", DynamicBatcherTest::affine, false, options, workers, listener)) {
      CompletableFuture<Map<String, Tensor>> a = batcher.submit(rows(1));
      CompletableFuture<Map<String, Tensor>> b = batcher.submit(rows(2));

      assertThat(a.get(5, TimeUnit.SECONDS).get("y").toFloatArray()).containsExactly(10f);
      assertThat(b.get(5, TimeUnit.SECONDS).get("y").toFloatArray()).containsExactly(20f);
      assertThat(batchRows).containsExactly(1, 1);
    }
  }

  @Test
  void aFailingRunFailsEveryCallerInTheBatch() {
    BatchingOptions options = new BatchingOptions(8, Duration.ofMillis(500), Optional.empty(), 1);
    DynamicBatcher.Runner failing =
        inputs -> {
          throw new InferenceException(InferenceException.Code.ENGINE_FAILURE, "boom");
        };
    try (DynamicBatcher batcher =
        new DynamicBatcher("m", failing, true, options, workers, listener)) {
      CompletableFuture<Map<String, Tensor>> a = batcher.submit(rows(1));
      CompletableFuture<Map<String, Tensor>> b = batcher.submit(rows(2));

      for (CompletableFuture<Map<String, Tensor>> result : List.of(a, b)) {
        assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasRootCauseMessage("ENGINE_FAILURE: boom");
      }
    }
  }

  @Test
  void closingCancelsQueuedRequests() throws Exception {
    BatchingOptions options = new BatchingOptions(8, Duration.ofSeconds(30), Optional.empty(), 1);
    DynamicBatcher batcher =
        new DynamicBatcher("m", DynamicBatcherTest::affine, true, options, workers, listener);
    CompletableFuture<Map<String, Tensor>> first = batcher.submit(rows(1));
    CompletableFuture<Map<String, Tensor>> second = batcher.submit(rows(2));

    batcher.close();

    // the dispatcher held the first request while waiting; both end cancelled, never silently lost
    assertThat(failureOf(first))
        .isInstanceOf(CancellationException.class)
        .hasMessageContaining("unloaded");
    assertThat(failureOf(second))
        .isInstanceOf(CancellationException.class)
        .hasMessageContaining("unloaded");
  }

  /**
   * The exception {@code future} completed with, as stored (JDK 25's {@code get} reports a
   * cancellation as a new exception whose message is only "get").
   */
  private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
    Throwable failure = future.handle((result, e) -> e).get(5, TimeUnit.SECONDS);
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }
}
