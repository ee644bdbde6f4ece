package io.isthmus.agent.ingest;

import io.vertx.core.Future;

/**
 * A client connection to an MQTT broker (MQTT 5 or 3.1.1, chosen by {@link MqttOptions}) that
 * reconnects with exponential backoff and re-subscribes what was subscribed. Every I/O method
 * returns a Vert.x {@link Future}; none blocks the caller.
 */
public interface MqttConnection extends AutoCloseable {

  /**
   * Connects for the first time. Fails when the broker cannot be reached or refuses the connection
   * (bad credentials, TLS verification failure), with the broker URI and reason in the message;
   * later losses of the connection are retried in the background instead.
   */
  Future<Void> connect();

  /**
   * Subscribes {@code filter} at {@code qos} (0 or 1); with a shared-subscription group configured
   * on MQTT 5, the filter is subscribed as {@code $share/GROUP/filter}. The subscription is
   * restored after every reconnect. Fails when the broker rejects it.
   */
  Future<Void> subscribe(String filter, int qos, MessageHandler handler);

  /**
   * Publishes {@code payload}; {@code contentType} may be null (it is sent on MQTT 5 only). Fails
   * when not connected or the broker rejects it; at QoS 1 it completes when the broker
   * acknowledged.
   */
  Future<Void> publish(String topic, byte[] payload, int qos, boolean retained, String contentType);

  /** Whether the connection is up right now. */
  boolean isConnected();

  /** Disconnects and frees the client; idempotent. */
  Future<Void> disconnect();

  @Override
  default void close() {
    disconnect();
  }
}
