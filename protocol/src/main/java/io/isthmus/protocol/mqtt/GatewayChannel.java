package io.isthmus.protocol.mqtt;

/** The three per-gateway fleet topics and the direction each flows in. */
public enum GatewayChannel {
  /** Console to gateway, retained: the {@code DesiredState}. */
  DESIRED("desired"),
  /** Gateway to console: the {@code ReportedState}. */
  REPORTED("reported"),
  /** Gateway to console: {@code GatewayEvent}s (rollout progress). */
  EVENTS("events");

  private final String segment;

  GatewayChannel(String segment) {
    this.segment = segment;
  }

  /** The last topic level, e.g. {@code "desired"}. */
  public String segment() {
    return segment;
  }

  static GatewayChannel fromSegment(String segment) {
    for (GatewayChannel channel : values()) {
      if (channel.segment.equals(segment)) {
        return channel;
      }
    }
    return null;
  }
}
