package io.isthmus.agent.sync;

import io.isthmus.agent.config.SyncConfig.Transport;
import io.isthmus.protocol.mqtt.GatewayChannel;
import io.isthmus.protocol.mqtt.MqttTopics;

/**
 * The MQTT topics model sync uses, by transport.
 *
 * <ul>
 *   <li>{@code mqtt}: the desired state retained on {@code isthmus/v1/gateways/{id}/desired}, the
 *       report retained on {@code .../reported}, events on {@code .../events};
 *   <li>{@code hono}: Eclipse Hono's MQTT adapter topics of an authenticated device: commands on
 *       {@code command///req/#}, of which the one named {@code desired} carries the {@code
 *       DesiredState}; the report as telemetry and events as events, each with the protobuf content
 *       type in the topic's property bag (Hono's adapter speaks MQTT 3.1.1, which has no content
 *       type of its own) and not retained (Hono does not retain).
 * </ul>
 */
final class FleetTopics {
  static final String HONO_DESIRED_COMMAND = "desired";
  private static final String HONO_COMMANDS = "command///req/";
  private static final String HONO_PROPERTIES = "/?content-type=application%2Fx-protobuf";

  private final Transport transport;
  private final String desired;
  private final String reported;
  private final String events;

  FleetTopics(Transport transport, String gatewayId) {
    this.transport = transport;
    if (transport == Transport.HONO) {
      desired = HONO_COMMANDS + "#";
      reported = "telemetry" + HONO_PROPERTIES;
      events = "event" + HONO_PROPERTIES;
    } else {
      MqttTopics topics = MqttTopics.defaults();
      desired = topics.gateway(gatewayId, GatewayChannel.DESIRED);
      reported = topics.gateway(gatewayId, GatewayChannel.REPORTED);
      events = topics.gateway(gatewayId, GatewayChannel.EVENTS);
    }
  }

  Transport transport() {
    return transport;
  }

  /** The filter to subscribe for desired states. */
  String desiredFilter() {
    return desired;
  }

  /**
   * Whether a message on {@code topic} (matched by {@link #desiredFilter()}) is a desired state:
   * with Hono, a command named {@value #HONO_DESIRED_COMMAND} ({@code
   * command///req/REQ-ID/desired}, the request id empty for a one-way command).
   */
  boolean isDesired(String topic) {
    if (transport != Transport.HONO) {
      return true;
    }
    if (!topic.startsWith(HONO_COMMANDS)) {
      return false;
    }
    String rest = topic.substring(HONO_COMMANDS.length());
    int slash = rest.indexOf('/');
    return slash >= 0 && rest.substring(slash + 1).equals(HONO_DESIRED_COMMAND);
  }

  String reported() {
    return reported;
  }

  /** Whether the report is published retained (MQTT: the console sees it whenever it connects). */
  boolean retainReported() {
    return transport == Transport.MQTT;
  }

  String events() {
    return events;
  }
}
