package io.isthmus.agent.ingest;

/** An {@link MqttConnection} that counts what it does, for health and metrics. */
public interface MeteredMqttConnection extends MqttConnection {

  /** A snapshot of the counters; cheap, callable from any thread. */
  MqttStats stats();

  /** The broker this connection talks to, as configured ({@code tcp://host:port}). */
  String serverUri();
}
