package io.isthmus.agent;

import io.isthmus.agent.config.AgentConfig.MqttProtocol;
import io.isthmus.agent.config.AgentConfig.MqttSettings;
import io.isthmus.agent.config.AgentConfig.SessionMode;
import io.isthmus.agent.config.ConfigException;
import io.isthmus.agent.ingest.MqttOptions;
import io.isthmus.agent.ingest.MqttVersion;
import java.io.IOException;
import java.nio.file.Files;

/** Maps the {@code mqtt} section to the MQTT layer's options. */
final class AgentMqtt {
  private AgentMqtt() {}

  /**
   * Options for {@code uri}; MQTT 3.1.1 when {@code embedded} (Moquette speaks nothing newer).
   *
   * @throws ConfigException when the password file cannot be read
   */
  static MqttOptions options(MqttSettings mqtt, String uri, boolean embedded) {
    MqttVersion version =
        embedded || mqtt.version() == MqttProtocol.V3_1_1 ? MqttVersion.V3_1_1 : MqttVersion.V5;
    MqttOptions.Builder b =
        MqttOptions.builder(uri)
            .mqttVersion(version)
            .clientId(mqtt.clientId())
            .reconnectInitialDelay(mqtt.reconnectInitial())
            .reconnectMaxDelay(mqtt.reconnectMax())
            .offlineBuffer(mqtt.offlineBuffer());
    if (mqtt.session() == SessionMode.PERSISTENT) {
      b.cleanStart(false);
      if (version == MqttVersion.V5) {
        // MQTT 5 ends a session when the connection closes unless an expiry is given
        b.sessionExpiry(mqtt.sessionExpiry());
      }
    }
    mqtt.username().ifPresent(b::username);
    mqtt.password().ifPresent(p -> b.password(p.toCharArray()));
    mqtt.passwordFile()
        .ifPresent(
            f -> {
              try {
                b.password(Files.readString(f).strip().toCharArray());
              } catch (IOException e) {
                throw new ConfigException(
                    "mqtt.passwordFile", "\"" + f + "\" cannot be read: " + e, e);
              }
            });
    mqtt.tls()
        .ifPresent(
            tls -> {
              tls.ca().ifPresent(b::caFile);
              tls.cert().ifPresent(b::clientCertFile);
              tls.key().ifPresent(b::clientKeyFile);
            });
    if (!embedded) {
      mqtt.sharedGroup().ifPresent(b::sharedGroup);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("mqtt", e.getMessage(), e);
    }
  }
}
