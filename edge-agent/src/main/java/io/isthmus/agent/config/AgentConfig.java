package io.isthmus.agent.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole agent configuration, parsed once from YAML by {@link AgentConfigReader} and validated.
 *
 * @param gatewayId this gateway's id (one MQTT topic level)
 * @param gatewayLabels what the gateway declares about itself (site, hardware, ...), reported to
 *     the console with its state
 * @param mqtt the broker connection
 * @param broker the embedded broker
 * @param http the health and metrics server
 * @param pipelines the inference pipelines, names unique
 * @param sync model sync, when configured
 * @param outbox the durable outbox results go through, when configured
 */
public record AgentConfig(
    String gatewayId,
    Map<String, String> gatewayLabels,
    MqttSettings mqtt,
    BrokerSettings broker,
    HttpSettings http,
    List<PipelineConfig> pipelines,
    Optional<SyncConfig> sync,
    Optional<OutboxConfig> outbox) {

  public AgentConfig {
    gatewayLabels = Map.copyOf(gatewayLabels);
    pipelines = List.copyOf(pipelines);
  }

  /**
   * MQTT client settings; {@code uri} is empty when the agent should connect to its embedded
   * broker. {@code sessionExpiry} (MQTT 5) is how long the broker keeps a persistent session after
   * the connection drops; {@code offlineBuffer} is how many results may wait while disconnected.
   */
  public record MqttSettings(
      Optional<String> uri,
      MqttProtocol version,
      String clientId,
      Optional<String> username,
      Optional<String> password,
      Optional<java.nio.file.Path> passwordFile,
      Optional<TlsSettings> tls,
      int qos,
      Optional<String> sharedGroup,
      java.time.Duration reconnectInitial,
      java.time.Duration reconnectMax,
      SessionMode session,
      java.time.Duration sessionExpiry,
      int offlineBuffer) {}

  /**
   * Whether the broker keeps the agent's session while it is away: {@code PERSISTENT} connects with
   * clean start (clean session) off under a stable client id, so QoS 1 events that arrive while the
   * agent is disconnected are queued for it and its subscriptions survive.
   */
  public enum SessionMode {
    CLEAN,
    PERSISTENT
  }

  /** The protocol version to speak. */
  public enum MqttProtocol {
    V5,
    V3_1_1
  }

  /** TLS files, PEM; cert and key only for client authentication. */
  public record TlsSettings(
      Optional<java.nio.file.Path> ca,
      Optional<java.nio.file.Path> cert,
      Optional<java.nio.file.Path> key) {}

  /** The embedded Moquette broker. */
  public record BrokerSettings(boolean enabled, String host, int port) {}

  /** The HTTP server; port 0 picks a free port. */
  public record HttpSettings(String host, int port) {}
}
