package io.isthmus.sim.run;

import io.isthmus.protocol.mqtt.NoDelaySockets;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 5 through Paho's mqttv5 async client; protobuf events carry their content type. With a
 * persistent session Paho reconnects by itself and sends the QoS 1 messages that were in flight
 * again; what is published while it is disconnected waits in an {@link OfflineQueue}.
 */
final class Mqtt5Link implements MqttLink {
  private static final Logger LOG = LoggerFactory.getLogger(Mqtt5Link.class);
  private static final long SESSION_EXPIRY_SECONDS = 3600;
  private static final int MAX_RECONNECT_DELAY_S = 2;
  private final MqttAsyncClient client;
  private final OfflineQueue offline;

  private Mqtt5Link(MqttAsyncClient client, OfflineQueue offline) {
    this.client = client;
    this.offline = offline;
  }

  static MqttLink connect(SimulationConfig config, Listener listener) throws SimulationException {
    long timeoutMs = config.connectTimeout().toMillis();
    MqttAsyncClient client = null;
    try {
      client = new MqttAsyncClient(config.brokerUri(), config.clientId(), new MemoryPersistence());
      MqttAsyncClient created = client;
      OfflineQueue offline =
          new OfflineQueue(
              config.persistentSession() ? config.offlineBuffer() : 0,
              TimeUnit.MILLISECONDS.toNanos(timeoutMs),
              message -> send(created, message));
      client.setCallback(
          new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
              LOG.warn("MQTT disconnected broker={} reason={}", config.brokerUri(), response);
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
              LOG.warn("MQTT error broker={}", config.brokerUri(), exception);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
              listener.onMessage(topic, message.getPayload(), System.nanoTime());
            }

            @Override
            public void deliveryComplete(IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
              if (!reconnect) {
                return;
              }
              LOG.info("MQTT reconnected broker={}", serverUri);
              try {
                // the persistent session normally kept the subscription; a broker that lost it
                // did not
                created.subscribe(config.resultFilter(), config.qos());
              } catch (MqttException e) {
                LOG.warn("MQTT re-subscription failed broker={}", config.brokerUri(), e);
              }
              offline.flushOnReconnect(serverUri);
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {}
          });
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(!config.persistentSession());
      if (config.brokerUri().startsWith("tcp://")) {
        options.setSocketFactory(NoDelaySockets.plain()); // TLS URIs keep Paho's own factory
      }
      options.setAutomaticReconnect(config.persistentSession());
      options.setConnectionTimeout((int) Math.max(1, config.connectTimeout().toSeconds()));
      if (config.persistentSession()) {
        options.setSessionExpiryInterval(SESSION_EXPIRY_SECONDS);
        options.setAutomaticReconnectDelay(1, MAX_RECONNECT_DELAY_S);
      }
      client.connect(options).waitForCompletion(timeoutMs);
      client.subscribe(config.resultFilter(), config.qos()).waitForCompletion(timeoutMs);
      return new Mqtt5Link(client, offline);
    } catch (MqttException e) {
      closeQuietly(client);
      throw new SimulationException(
          "Cannot connect to "
              + config.brokerUri()
              + " with MQTT 5 and subscribe to "
              + config.resultFilter()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void publish(String topic, byte[] payload, int qos, boolean protobuf)
      throws SimulationException {
    offline.publish(new OfflineQueue.Message(topic, payload, qos, protobuf));
  }

  private static OfflineQueue.Outcome send(MqttAsyncClient client, OfflineQueue.Message event)
      throws SimulationException {
    MqttMessage message = new MqttMessage(event.payload());
    message.setQos(event.qos());
    MqttProperties properties = new MqttProperties();
    properties.setContentType(event.protobuf() ? "application/x-protobuf" : "application/json");
    message.setProperties(properties);
    try {
      client.publish(event.topic(), message);
      return OfflineQueue.Outcome.SENT;
    } catch (MqttException e) {
      return OfflineQueue.refused(event, e.getReasonCode(), e);
    }
  }

  @Override
  public int waiting() {
    return offline.waiting();
  }

  @Override
  public void close() {
    closeQuietly(client);
  }

  private static void closeQuietly(MqttAsyncClient client) {
    if (client == null) {
      return;
    }
    try {
      if (client.isConnected()) {
        client.disconnect().waitForCompletion(2000);
      }
    } catch (MqttException e) {
      LOG.debug("MQTT disconnect failed", e);
    }
    try {
      client.close();
    } catch (MqttException e) {
      LOG.debug("MQTT close failed", e);
    }
  }
}
