package io.isthmus.sim.run;

import io.isthmus.protocol.mqtt.NoDelaySockets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
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
 * persistent session Paho reconnects by itself, sends the QoS 1 messages that were in flight again,
 * and buffers what is published while it is disconnected.
 */
final class Mqtt5Link implements MqttLink {
  private static final Logger LOG = LoggerFactory.getLogger(Mqtt5Link.class);
  private static final int REASON_MAX_INFLIGHT = 32202;
  private static final int REASON_NOT_CONNECTED = 32104;
  private static final long SESSION_EXPIRY_SECONDS = 3600;
  private static final int MAX_RECONNECT_DELAY_S = 2;
  private final MqttAsyncClient client;
  private final long retryNanos;
  private final boolean persistent;

  private Mqtt5Link(MqttAsyncClient client, long retryNanos, boolean persistent) {
    this.client = client;
    this.retryNanos = retryNanos;
    this.persistent = persistent;
  }

  static MqttLink connect(SimulationConfig config, Listener listener) throws SimulationException {
    long timeoutMs = config.connectTimeout().toMillis();
    MqttAsyncClient client = null;
    try {
      client = new MqttAsyncClient(config.brokerUri(), config.clientId(), new MemoryPersistence());
      MqttAsyncClient created = client;
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
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(config.offlineBuffer());
        client.setBufferOpts(buffer);
      }
      client.connect(options).waitForCompletion(timeoutMs);
      client.subscribe(config.resultFilter(), config.qos()).waitForCompletion(timeoutMs);
      return new Mqtt5Link(
          client, TimeUnit.MILLISECONDS.toNanos(timeoutMs), config.persistentSession());
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
    MqttMessage message = new MqttMessage(payload);
    message.setQos(qos);
    MqttProperties properties = new MqttProperties();
    properties.setContentType(protobuf ? "application/x-protobuf" : "application/json");
    message.setProperties(properties);
    long deadline = System.nanoTime() + retryNanos;
    while (true) {
      try {
        client.publish(topic, message);
        return;
      } catch (MqttException e) {
        // between a lost connection and Paho's reconnect cycle taking over, Paho neither sends
        // nor buffers: wait for it like for a free in-flight slot
        boolean retry =
            e.getReasonCode() == REASON_MAX_INFLIGHT
                || (persistent && e.getReasonCode() == REASON_NOT_CONNECTED);
        if (!retry || System.nanoTime() > deadline) {
          throw new SimulationException("Publish to " + topic + " failed: " + e.getMessage(), e);
        }
        LockSupport.parkNanos(200_000);
      }
    }
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
