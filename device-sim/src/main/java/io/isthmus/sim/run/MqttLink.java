package io.isthmus.sim.run;

/** One MQTT connection, either protocol version, as the runner needs it. */
interface MqttLink extends AutoCloseable {

  /** Receives a message: topic, payload, and {@link System#nanoTime()} at arrival. */
  @FunctionalInterface
  interface Listener {
    void onMessage(String topic, byte[] payload, long arrivalNanos);
  }

  /**
   * Connects and subscribes to {@code config.resultFilter()} before returning.
   *
   * @throws SimulationException if the connection or the subscription fails
   */
  static MqttLink connect(SimulationConfig config, Listener listener) throws SimulationException {
    return config.mqttVersion() == MqttVersion.V5
        ? Mqtt5Link.connect(config, listener)
        : Mqtt3Link.connect(config, listener);
  }

  /**
   * Hands a message to the client without waiting for the broker. Retries while the client's
   * in-flight window is full, up to the connect timeout. With a persistent session, a message
   * published while the connection is down waits in the offline buffer and is sent, in order, once
   * the client reconnected.
   *
   * @throws SimulationException if the client refuses it (disconnected without a persistent
   *     session, offline buffer full, window full too long)
   */
  void publish(String topic, byte[] payload, int qos, boolean protobuf) throws SimulationException;

  /** How many published messages wait in the offline buffer, not yet handed to the client. */
  int waiting();

  /** Disconnects and frees the client; never throws. */
  @Override
  void close();
}
