package io.isthmus.offload.metrics;

import io.isthmus.offload.batch.DynamicBatcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The function's metrics, scraped by Prometheus at {@code /metrics}: request latency by model and
 * status ({@code isthmus_offload_request_seconds}), responses by error status ({@code
 * isthmus_offload_errors_total}), rows per model run ({@code isthmus_offload_batch_size}), time in
 * the batching queue ({@code isthmus_offload_queue_delay_seconds}), model loads by cache tier,
 * models loaded, requests in flight, and the execution provider in use ({@code
 * isthmus_offload_execution_provider{provider="CPU"} 1}). Thread-safe.
 */
public final class OffloadMetrics {
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128};

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** Records one answered request for {@code model} ("" when none was named). */
  public void request(String model, int status, long nanos) {
    Timer.builder("isthmus.offload.request")
        .description("Time from request to reply")
        .tag("model", model)
        .tag("status", Integer.toString(status))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
    if (status >= 400) {
      error(status);
    }
  }

  /** Counts an error response, also those answered before a model was known (413, 401). */
  public void error(int status) {
    Counter.builder("isthmus.offload.errors")
        .description("Error responses by HTTP status")
        .tag("status", Integer.toString(status))
        .register(registry)
        .increment();
  }

  /** The batch observer for {@code model}. */
  public DynamicBatcher.Listener batches(String model) {
    DistributionSummary size =
        DistributionSummary.builder("isthmus.offload.batch.size")
            .description("Rows per model run")
            .tag("model", model)
            .serviceLevelObjectives(BATCH_BUCKETS)
            .register(registry);
    Timer delay =
        Timer.builder("isthmus.offload.queue.delay")
            .description("Time a request waits in the batching queue")
            .tag("model", model)
            .serviceLevelObjectives(
                Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(20))
            .register(registry);
    Timer service =
        Timer.builder("isthmus.offload.batch.run")
            .description("Time one model run takes")
            .tag("model", model)
            .register(registry);
    return new DynamicBatcher.Listener() {
      @Override
      public void batchRan(int rows, int requests, long nanos) {
        size.record(rows);
        service.record(nanos, TimeUnit.NANOSECONDS);
      }

      @Override
      public void queued(long nanos) {
        delay.record(nanos, TimeUnit.NANOSECONDS);
      }
    };
  }

  /** Counts a model load from {@code tier}. */
  public void modelLoaded(String model, String tier) {
    Counter.builder("isthmus.offload.model.loads")
        .description("Model versions loaded, by cache tier")
        .tag("model", model)
        .tag("tier", tier)
        .register(registry)
        .increment();
  }

  /** Reports {@code loaded} as the number of model versions in memory. */
  public void modelsLoaded(Supplier<Number> loaded) {
    Gauge.builder("isthmus.offload.models.loaded", loaded).register(registry);
  }

  /** Reports {@code inFlight} as the number of inference requests queued or running. */
  public void inFlight(Supplier<Number> inFlight) {
    Gauge.builder("isthmus.offload.inflight", inFlight).register(registry);
  }

  /** Reports the execution provider in use (gauge 1 with the provider as a tag). */
  public void provider(String provider) {
    Gauge.builder("isthmus.offload.execution.provider", () -> 1)
        .tag("provider", provider)
        .register(registry);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
