package io.isthmus.agent.outbox;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * Publishes an outbox's {@link OutboxStats} as meters tagged {@code gateway}: gauges {@code
 * isthmus.outbox.depth} (records), {@code isthmus.outbox.bytes}, {@code isthmus.outbox.oldest.age}
 * (seconds), and counters {@code isthmus.outbox.appended}, {@code .delivered}, {@code .dropped},
 * {@code .rejected}.
 */
public final class OutboxMetrics implements MeterBinder {
  private final Outbox outbox;

  public OutboxMetrics(Outbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    String gateway = outbox.options().gatewayId();
    gauge(
        registry,
        gateway,
        "isthmus.outbox.depth",
        "records",
        "Records not yet acknowledged",
        s -> s.depth());
    gauge(
        registry,
        gateway,
        "isthmus.outbox.bytes",
        "bytes",
        "Bytes of the segment files",
        s -> s.bytes());
    gauge(
        registry,
        gateway,
        "isthmus.outbox.oldest.age",
        "seconds",
        "Age of the oldest unacknowledged record",
        s -> s.oldestAgeMillis() / 1000.0);
    counter(registry, gateway, "isthmus.outbox.appended", "Records appended", s -> s.appended());
    counter(
        registry, gateway, "isthmus.outbox.delivered", "Records acknowledged", s -> s.delivered());
    counter(
        registry,
        gateway,
        "isthmus.outbox.dropped",
        "Unacknowledged records dropped (quota, damage)",
        s -> s.dropped());
    counter(
        registry,
        gateway,
        "isthmus.outbox.rejected",
        "Appends refused because the outbox" + " was full",
        s -> s.rejected());
  }

  private void gauge(
      MeterRegistry registry,
      String gateway,
      String name,
      String unit,
      String description,
      ToDoubleFunction<OutboxStats> value) {
    Gauge.builder(name, outbox, o -> value.applyAsDouble(o.stats()))
        .tag("gateway", gateway)
        .baseUnit(unit)
        .description(description)
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String gateway,
      String name,
      String description,
      ToDoubleFunction<OutboxStats> value) {
    FunctionCounter.builder(name, outbox, o -> value.applyAsDouble(o.stats()))
        .tag("gateway", gateway)
        .baseUnit("records")
        .description(description)
        .register(registry);
  }
}
