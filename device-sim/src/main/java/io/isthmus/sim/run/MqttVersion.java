package io.isthmus.sim.run;

/** The MQTT protocol version the simulator connects with. */
public enum MqttVersion {
  /** MQTT 3.1.1: Mosquitto, EMQX, HiveMQ and the embedded Moquette broker. */
  V3_1_1("3.1.1"),
  /** MQTT 5: external brokers; protobuf events carry the content type. */
  V5("5");

  private final String label;

  MqttVersion(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /**
   * {@code 3}, {@code 3.1.1} or {@code 5}.
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static MqttVersion parse(String value) {
    return switch (value == null ? "" : value.trim()) {
      case "3", "3.1.1", "311" -> V3_1_1;
      case "5", "5.0" -> V5;
      default ->
          throw new IllegalArgumentException(
              "MQTT version is '" + value + "', expected 3 (3.1.1) or 5");
    };
  }
}
