package io.isthmus.protocol.mqtt;

/**
 * A parsed sensor topic {@code sensors/{deviceId}/{stream}[.pb]}.
 *
 * @param deviceId the device, a valid topic level
 * @param stream the stream without any {@code .pb} suffix, a valid topic level
 * @param protobuf whether the topic had the {@code .pb} suffix, meaning the payload is a protobuf
 *     {@code SensorEvent} rather than JSON
 */
public record SensorTopic(String deviceId, String stream, boolean protobuf) {
  /**
   * @throws IllegalArgumentException if an id is null, empty, contains {@code + # /} or NUL, or the
   *     stream ends with {@code .pb}
   */
  public SensorTopic {
    TopicLevels.requireValid("deviceId", deviceId);
    TopicLevels.requireValidStream(stream);
  }
}
