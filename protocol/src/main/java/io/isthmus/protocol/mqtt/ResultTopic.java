package io.isthmus.protocol.mqtt;

/**
 * A parsed result topic {@code isthmus/v1/results/{pipeline}/{deviceId}}.
 *
 * @param pipeline the pipeline that produced the result
 * @param deviceId the device whose event triggered it
 */
public record ResultTopic(String pipeline, String deviceId) {
  /**
   * @throws IllegalArgumentException if an id is null, empty or contains {@code + # /} or NUL
   */
  public ResultTopic {
    TopicLevels.requireValid("pipeline", pipeline);
    TopicLevels.requireValid("deviceId", deviceId);
  }
}
