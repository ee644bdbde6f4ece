package io.isthmus.sim.run;

import io.isthmus.protocol.mqtt.NoDelaySockets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
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
 * itself, sends the QoS 1 messages that were in flight again, and buffers what is published while
 * it is disconnected.
 */
final class Mqtt3Link implements MqttLink {
  private static final Logger LOG = LoggerFactory.getLogger(Mqtt3Link.class);
  private static final int MAX_RECONNECT_DELAY_MS = 2_000;
  private final MqttAsyncClient client;
  private final long retryNanos;
  private final boolean persistent;

  private Mqtt3Link(MqttAsyncClient client, long retryNanos, boolean persistent) {
    this.client = client;
    this.retryNanos = retryNanos;
    this.persistent = persistent;
  }

  static MqttLink connect(SimulationConfig config, Listener listener) throws SimulationException {
    long timeoutMs = config.connectTimeout().toMillis();
    MqttAsyncClient client = null;
    try {
      client = new MqttAsyncClient(config.brokerUri(), config.clientId(), new MemoryPersistence());
      client.setCallback(new Callback(client, config, listener));
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
      if (config.persistentSession()) {
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(config.offlineBuffer());
        client.setBufferOpts(buffer);
      }
      client.connect(options).waitForCompletion(timeoutMs);
      client.subscribe(config.resultFilter(), config.qos()).waitForCompletion(timeoutMs);
      return new Mqtt3Link(
          client, TimeUnit.MILLISECONDS.toNanos(timeoutMs), config.persistentSession());
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
    long deadline = System.nanoTime() + retryNanos;
    while (true) {
      try {
        client.publish(topic, payload, qos, false);
        return;
      } catch (MqttException e) {
        // between a lost connection and Paho's reconnect cycle taking over, Paho neither sends
        // nor buffers: wait for it like for a free in-flight slot
        boolean retry =
            e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT
                || (persistent
                    && e.getReasonCode() == MqttException.REASON_CODE_CLIENT_NOT_CONNECTED);
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

  /** Hands results to the listener; after a reconnect subscribes again. */
  private static final class Callback implements MqttCallbackExtended {
    private final MqttAsyncClient client;
    private final SimulationConfig config;
    private final Listener listener;

    Callback(MqttAsyncClient client, SimulationConfig config, Listener listener) {
      this.client = client;
      this.config = config;
      this.listener = listener;
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
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      listener.onMessage(topic, message.getPayload(), System.nanoTime());
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }
}
