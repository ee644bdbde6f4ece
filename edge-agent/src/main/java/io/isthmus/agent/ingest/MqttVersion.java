package io.isthmus.agent.ingest;

/** The MQTT protocol version a connection speaks. */
public enum MqttVersion {
  /** MQTT 5: content types, shared subscriptions, session expiry. */
  V5,
  /** MQTT 3.1.1: what the embedded Moquette broker speaks. */
  V3_1_1
}
