package io.isthmus.agent.sync;

import io.isthmus.agent.ingest.MqttConnection;
import io.isthmus.agent.pipeline.ResultSink;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.GatewayEventKind;
import io.isthmus.protocol.v1.ReportedState;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the gateway's {@code ReportedState} (retained, QoS 1, so the console sees the latest
 * one whenever it connects) and progress {@code GatewayEvent}s (QoS 1). Without a connection the
 * report waits: the next one is complete, so nothing is queued. Events are a history, not a state:
 * with an outbox they go through it ({@link #eventsThrough}), so those of an outage are delivered
 * after it, each with an idempotency key; without one, an event that finds no connection is lost.
 */
final class FleetReporter {
  private static final Logger LOG = LoggerFactory.getLogger(FleetReporter.class);
  private static final String PROTOBUF = "application/x-protobuf";

  private final String gatewayId;
  private final FleetTopics topics;
  private volatile MqttConnection mqtt;
  private volatile ReportedState unsent;
  private volatile ResultSink events;

  FleetReporter(String gatewayId, FleetTopics topics) {
    this.gatewayId = gatewayId;
    this.topics = topics;
  }

  void connect(MqttConnection connection) {
    this.mqtt = connection;
  }

  /** Sends events through {@code sink} (the outbox) instead of straight to MQTT. */
  void eventsThrough(ResultSink sink) {
    this.events = sink;
  }

  /** Publishes {@code state}; without a connection it is kept for {@link #flush}. */
  void report(ReportedState state) {
    unsent =
        publish(topics.reported(), state.toByteArray(), topics.retainReported()) ? null : state;
  }

  /** Publishes the last report that found no connection, once there is one (after an outage). */
  void flush() {
    ReportedState pending = unsent;
    if (pending != null) {
      report(pending);
    }
  }

  void event(long generation, String pipeline, GatewayEventKind kind, String message) {
    LOG.info("sync pipeline={} event={} {}", pipeline, kind, message);
    GatewayEvent event =
        GatewayEvent.newBuilder()
            .setGatewayId(gatewayId)
            .setGeneration(generation)
            .setPipeline(pipeline)
            .setKind(kind)
            .setMessage(message)
            .setTimestampUs(nowMicros())
            .build();
    ResultSink sink = events;
    if (sink == null) {
      publish(topics.events(), event.toByteArray(), false);
      return;
    }
    sink.publish(topics.events(), event.toByteArray(), 1, PROTOBUF)
        .onFailure(e -> LOG.warn("sync event not stored in the outbox: {}", e.toString()));
  }

  /** Returns false when there is no connection to publish on. */
  private boolean publish(String topic, byte[] payload, boolean retained) {
    MqttConnection connection = mqtt;
    if (connection == null || !connection.isConnected()) {
      return false;
    }
    connection
        .publish(topic, payload, 1, retained, PROTOBUF)
        .onFailure(e -> LOG.warn("sync publish to {} failed: {}", topic, e.toString()));
    return true;
  }

  static long nowMicros() {
    return TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
  }
}
