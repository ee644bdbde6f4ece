package io.isthmus.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The meters of one pipeline, all tagged {@code pipeline}. Prometheus names: {@code
 * isthmus_events_received_total}, {@code isthmus_results_published_total}, {@code
 * isthmus_dropped_total{reason}}, {@code isthmus_rejected_total{reason}}, {@code
 * isthmus_errors_total{kind}}, {@code isthmus_queue_depth}, {@code isthmus_queue_depth_max}, {@code
 * isthmus_stage_latency_seconds{stage}} (histogram), {@code isthmus_batch_size}, {@code
 * isthmus_model_load_seconds}.
 */
public final class PipelineMetrics {
  /** Latency stages, after the protocol's breakdown, plus pre- and post-processing. */
  public static final List<String> STAGES =
      List.of("trigger", "queue", "load", "pre", "infer", "post", "response", "total");

  private final MeterRegistry registry;
  private final String pipeline;
  private final Counter received;
  private final Counter published;
  private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final Map<String, Timer> stages = new ConcurrentHashMap<>();
  private final DistributionSummary batchSize;

  PipelineMetrics(MeterRegistry registry, String pipeline) {
    this.registry = registry;
    this.pipeline = pipeline;
    this.received =
        Counter.builder("isthmus.events.received")
            .description("MQTT messages routed to the pipeline")
            .tag("pipeline", pipeline)
            .register(registry);
    this.published =
        Counter.builder("isthmus.results.published")
            .description("Results the broker accepted")
            .tag("pipeline", pipeline)
            .register(registry);
    this.batchSize =
        DistributionSummary.builder("isthmus.batch.size")
            .description("Events per model run")
            .tag("pipeline", pipeline)
            .register(registry);
    for (String stage : STAGES) {
      stages.put(
          stage,
          Timer.builder("isthmus.stage.latency")
              .description("Time per stage of the latency breakdown")
              .tags("pipeline", pipeline, "stage", stage)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofNanos(10_000))
              .maximumExpectedValue(Duration.ofSeconds(30))
              .register(registry));
    }
  }

  /** The registry these meters live in, for meters of the pipeline's parts (offload). */
  public MeterRegistry registry() {
    return registry;
  }

  /** Pre-registers counters at zero so that dashboards and scrapes see them before they happen. */
  public void declare(List<String> rejectReasons, List<String> dropReasons) {
    rejectReasons.forEach(r -> rejected(r, 0));
    dropReasons.forEach(r -> dropped(r, 0));
  }

  public void received() {
    received.increment();
  }

  public void published() {
    published.increment();
  }

  public void dropped(String reason, long count) {
    counter(dropped, "isthmus.dropped", "reason", reason).increment(count);
  }

  public void rejected(String reason, long count) {
    counter(rejected, "isthmus.rejected", "reason", reason).increment(count);
  }

  public void error(String kind) {
    counter(errors, "isthmus.errors", "kind", kind).increment();
  }

  public double rejectedCount(String reason) {
    return counter(rejected, "isthmus.rejected", "reason", reason).count();
  }

  public double droppedCount(String reason) {
    return counter(dropped, "isthmus.dropped", "reason", reason).count();
  }

  public void stage(String stage, long micros) {
    if (micros >= 0) {
      stages.get(stage).record(micros, TimeUnit.MICROSECONDS);
    }
  }

  public void batch(int size) {
    batchSize.record(size);
  }

  public void queueDepth(Supplier<Number> depth, Supplier<Number> highWater) {
    Gauge.builder("isthmus.queue.depth", depth)
        .description("Events waiting in the pipeline's queue")
        .tag("pipeline", pipeline)
        .register(registry);
    Gauge.builder("isthmus.queue.depth.max", highWater)
        .description("The most events ever waiting in the pipeline's queue")
        .tag("pipeline", pipeline)
        .register(registry);
  }

  public void modelLoaded(String model, Duration took) {
    Gauge.builder("isthmus.model.load", took, d -> d.toNanos() / 1e9)
        .description("Seconds the model took to load and warm up")
        .baseUnit("seconds")
        .tags("pipeline", pipeline, "model", model)
        .register(registry);
  }

  private Counter counter(Map<String, Counter> cache, String name, String tag, String value) {
    return cache.computeIfAbsent(
        value, v -> Counter.builder(name).tags("pipeline", pipeline, tag, v).register(registry));
  }
}
