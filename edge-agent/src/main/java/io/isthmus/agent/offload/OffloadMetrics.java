package io.isthmus.agent.offload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The split path's meters, tagged {@code pipeline}. Prometheus names: {@code
 * isthmus_offload_events_total{path}} ({@code offloaded}: the tail ran in the cloud; {@code edge}:
 * the full model was picked as faster; {@code fallback}: an offload was meant but the full model
 * ran), {@code isthmus_offload_fallbacks_total{reason}}, {@code
 * isthmus_offload_round_trip_seconds}, and gauges {@code isthmus_offload_rtt_ms}, {@code
 * isthmus_offload_bandwidth_bytes_per_ms} and {@code isthmus_offload_breaker_state} (0 closed, 1
 * open, 2 half-open).
 */
final class OffloadMetrics {
  private final Counter offloaded;
  private final Counter edge;
  private final Counter fallback;
  private final Map<FallbackReason, Counter> reasons = new EnumMap<>(FallbackReason.class);
  private final Timer roundTrip;

  OffloadMetrics(
      MeterRegistry registry, String pipeline, NetworkEstimator network, CircuitBreaker breaker) {
    offloaded = events(registry, pipeline, "offloaded");
    edge = events(registry, pipeline, "edge");
    fallback = events(registry, pipeline, "fallback");
    for (FallbackReason reason : FallbackReason.values()) {
      reasons.put(
          reason,
          Counter.builder("isthmus.offload.fallbacks")
              .description("Events that ran the full model because an offload could not be used")
              .tags("pipeline", pipeline, "reason", reason.tag())
              .register(registry));
    }
    roundTrip =
        Timer.builder("isthmus.offload.round.trip")
            .description("Offload round trips seen from the gateway: network plus cloud")
            .tag("pipeline", pipeline)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    Gauge.builder("isthmus.offload.rtt.ms", network, n -> n.rttMs().orElse(Double.NaN))
        .description("Estimated round-trip time to the cloud")
        .tag("pipeline", pipeline)
        .register(registry);
    Gauge.builder(
            "isthmus.offload.bandwidth.bytes.per.ms",
            network,
            n -> n.bytesPerMs().orElse(Double.NaN))
        .description("Estimated bandwidth to the cloud")
        .tag("pipeline", pipeline)
        .register(registry);
    Gauge.builder("isthmus.offload.breaker.state", breaker, b -> b.state().ordinal())
        .description("Circuit breaker: 0 closed, 1 open, 2 half-open")
        .tag("pipeline", pipeline)
        .register(registry);
  }

  private static Counter events(MeterRegistry registry, String pipeline, String path) {
    return Counter.builder("isthmus.offload.events")
        .description("Events of a split pipeline by the path that produced their result")
        .tags("pipeline", pipeline, "path", path)
        .register(registry);
  }

  void offloaded(long roundTripNanos, int events) {
    offloaded.increment(events);
    roundTrip.record(roundTripNanos, TimeUnit.NANOSECONDS);
  }

  void edge(int events) {
    edge.increment(events);
  }

  void fallback(FallbackReason reason, int events) {
    fallback.increment(events);
    reasons.get(reason).increment(events);
  }

  double offloadedCount() {
    return offloaded.count();
  }

  double fallbackCount(FallbackReason reason) {
    return reasons.get(reason).count();
  }
}
