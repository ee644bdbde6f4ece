package io.isthmus.sim.run;

import io.isthmus.protocol.mqtt.NoDelaySockets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** MQTT 3.1.1 through Paho's mqttv3 async client. */
final class Mqtt3Link implements MqttLink {
  private static final Logger LOG = LoggerFactory.getLogger(Mqtt3Link.class);
  private final MqttAsyncClient client;
  private final long retryNanos;

  private Mqtt3Link(MqttAsyncClient client, long retryNanos) {
    this.client = client;
    this.retryNanos = retryNanos;
  }

  static MqttLink connect(SimulationConfig config, Listener listener) throws SimulationException {
    long timeoutMs = config.connectTimeout().toMillis();
    MqttAsyncClient client = null;
    try {
      client = new MqttAsyncClient(config.brokerUri(), config.clientId(), new MemoryPersistence());
      client.setCallback(
          new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
              LOG.warn("MQTT connection lost broker={}", config.brokerUri(), cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
              listener.onMessage(topic, message.getPayload(), System.nanoTime());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {}
          });
      MqttConnectOptions options = new MqttConnectOptions();
      options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      options.setCleanSession(true);
      if (config.brokerUri().startsWith("tcp://")) {
        options.setSocketFactory(NoDelaySockets.plain()); // TLS URIs keep Paho's own factory
      }
      options.setAutomaticReconnect(false);
      options.setMaxInflight(65_535);
      options.setConnectionTimeout((int) Math.max(1, config.connectTimeout().toSeconds()));
      client.connect(options).waitForCompletion(timeoutMs);
      client.subscribe(config.resultFilter(), config.qos()).waitForCompletion(timeoutMs);
      return new Mqtt3Link(client, TimeUnit.MILLISECONDS.toNanos(timeoutMs));
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
        if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT
            || System.nanoTime() > deadline) {
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
