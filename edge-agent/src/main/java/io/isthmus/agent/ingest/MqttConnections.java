package io.isthmus.agent.ingest;

import io.isthmus.protocol.mqtt.NoDelaySockets;
import io.vertx.core.Vertx;
import javax.net.SocketFactory;

/** Creates {@link MqttConnection}s for the protocol version the options ask for. */
public final class MqttConnections {

  private MqttConnections() {}

  /**
   * Creates a connection (not yet connected: call {@link MqttConnection#connect()}). For an {@code
   * ssl://} URI it reads the PEM files named in the options here, synchronously: call it at
   * start-up, not on an event loop that serves traffic. Reconnect timers run on the Vert.x context
   * of the caller (or a new event-loop context when called from a non-Vert.x thread).
   *
   * @throws MqttConnectionException when the TLS files cannot be read or parsed, or the client
   *     library rejects the options
   */
  public static MeteredMqttConnection create(Vertx vertx, MqttOptions options) {
    if (vertx == null || options == null) {
      throw new IllegalArgumentException("vertx and options must not be null");
    }
    SocketFactory sockets =
        options.isTls()
            ? NoDelaySockets.tls(PemTls.socketFactory(options))
            : NoDelaySockets.plain();
    try {
      return switch (options.mqttVersion()) {
        case V5 -> new Paho5Connection(vertx, options, sockets);
        case V3_1_1 -> new Paho3Connection(vertx, options, sockets);
      };
    } catch (org.eclipse.paho.mqttv5.common.MqttException
        | org.eclipse.paho.client.mqttv3.MqttException e) {
      throw new MqttConnectionException(
          "Cannot create MQTT client for " + options.serverUri() + ": " + e.getMessage(), e);
    }
  }
}
