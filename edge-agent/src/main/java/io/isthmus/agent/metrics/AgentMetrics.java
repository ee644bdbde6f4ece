package io.isthmus.agent.metrics;

import io.isthmus.agent.ingest.MeteredMqttConnection;
import io.isthmus.agent.ingest.MqttStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The agent's meter registry, scraped as Prometheus text: JVM memory, threads, GC, class loading,
 * CPU and uptime, plus one {@link PipelineMetrics} per pipeline. Closing it stops the GC listener.
 */
public final class AgentMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public AgentMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  /** The meters of pipeline {@code name}, created on first use. */
  public PipelineMetrics pipeline(String name) {
    return new PipelineMetrics(registry, name);
  }

  /**
   * Exports the connection's counters: reconnects, connection losses, results waiting in the
   * offline buffer, and publishes refused because it was full.
   */
  public void bindMqtt(MeteredMqttConnection mqtt) {
    mqttCounter("isthmus_mqtt_reconnects", "successful reconnections", mqtt, MqttStats::reconnects);
    mqttCounter(
        "isthmus_mqtt_connection_losses",
        "times the broker connection was lost",
        mqtt,
        MqttStats::connectionLosses);
    mqttCounter(
        "isthmus_mqtt_offline_overflows",
        "publishes failed because the offline buffer was full",
        mqtt,
        MqttStats::offlineOverflows);
    Gauge.builder("isthmus_mqtt_offline_buffered", mqtt, m -> m.stats().offlineBuffered())
        .description("publishes waiting for the broker connection to come back")
        .register(registry);
  }

  private void mqttCounter(
      String name,
      String description,
      MeteredMqttConnection mqtt,
      java.util.function.ToLongFunction<MqttStats> value) {
    FunctionCounter.builder(name, mqtt, m -> value.applyAsLong(m.stats()))
        .description(description)
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
