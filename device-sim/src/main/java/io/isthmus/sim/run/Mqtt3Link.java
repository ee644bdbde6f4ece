package io.isthmus.sim.run;

import io.isthmus.protocol.mqtt.NoDelaySockets;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 3.1.1 through Paho's mqttv3 async client. With a persistent session Paho reconnects by
 * itself and sends the QoS 1 messages that were in flight again; what is published while it is
 * disconnected waits in an {@link OfflineQueue}.
 */
final class Mqtt3Link implements MqttLink {
  private static final Logger LOG = LoggerFactory.getLogger(Mqtt3Link.class);
  private static final int MAX_RECONNECT_DELAY_MS = 2_000;
  private final MqttAsyncClient client;
  private final OfflineQueue offline;

  private Mqtt3Link(MqttAsyncClient client, OfflineQueue offline) {
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
      client.setCallback(new Callback(client, config, listener, offline));
      MqttConnectOptions options = new MqttConnectOptions();
      options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      options.setCleanSession(!config.persistentSession());
      if (config.brokerUri().startsWith("tcp://")) {
        options.setSocketFactory(NoDelaySockets.plain()); // TLS URIs keep Paho's own factory
      }
      options.setAutomaticReconnect(config.persistentSession());
      options.setMaxReconnectDelay(MAX_RECONNECT_DELAY_MS);
      options.setMaxInflight(65_535);
      options.setConnectionTimeout((int) Math.max(1, config.connectTimeout().toSeconds()));
      client.connect(options).waitForCompletion(timeoutMs);
      client.subscribe(config.resultFilter(), config.qos()).waitForCompletion(timeoutMs);
      return new Mqtt3Link(client, offline);
    } catch (MqttException e) {
      closeQuietly(client);
      throw new SimulationException(
          "Cannot connect to "
              + config.brokerUri()
              + " with MQTT 3.1.1 and subscribe to "
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

  private static OfflineQueue.Outcome send(MqttAsyncClient client, OfflineQueue.Message message)
      throws SimulationException {
    try {
      client.publish(message.topic(), message.payload(), message.qos(), false);
      return OfflineQueue.Outcome.SENT;
    } catch (MqttException e) {
      return OfflineQueue.refused(message, e.getReasonCode(), e);
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

  /**
   * Hands results to the listener; after a reconnect subscribes again and sends what waited
   * offline.
   */
  private static final class Callback implements MqttCallbackExtended {
    private final MqttAsyncClient client;
    private final SimulationConfig config;
    private final Listener listener;
    private final OfflineQueue offline;

    Callback(
        MqttAsyncClient client, SimulationConfig config, Listener listener, OfflineQueue offline) {
      this.client = client;
      this.config = config;
      this.listener = listener;
      this.offline = offline;
    }

    @Override
    public void connectionLost(Throwable cause) {
      LOG.warn("MQTT connection lost broker={}", config.brokerUri(), cause);
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      if (!reconnect) {
        return;
      }
      LOG.info("MQTT reconnected broker={}", serverUri);
      try {
        // the persistent session normally kept the subscription; a broker that lost it did not
        client.subscribe(config.resultFilter(), config.qos());
      } catch (MqttException e) {
        LOG.warn("MQTT re-subscription failed broker={}", config.brokerUri(), e);
      }
      offline.flushOnReconnect(serverUri);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      listener.onMessage(topic, message.getPayload(), System.nanoTime());
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }
}
