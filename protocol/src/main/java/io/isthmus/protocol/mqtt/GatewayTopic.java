package io.isthmus.protocol.mqtt;

import java.util.Objects;

/**
 * A parsed fleet topic {@code isthmus/v1/gateways/{gatewayId}/{desired|reported|events}}.
 *
 * @param gatewayId the gateway
 * @param channel which of the three fleet topics
 */
public record GatewayTopic(String gatewayId, GatewayChannel channel) {
  /**
   * @throws IllegalArgumentException if the id is invalid; NullPointerException if channel is
   */
  public GatewayTopic {
    TopicLevels.requireValid("gatewayId", gatewayId);
    Objects.requireNonNull(channel, "channel");
  }
}
