package io.isthmus.console.fleet;

import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.protocol.mqtt.GatewayChannel;
import io.isthmus.protocol.mqtt.GatewayTopic;
import io.isthmus.protocol.mqtt.MqttTopics;
import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.ReportedState;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT transport (Eclipse Paho, MQTT 3.1.1): subscribes {@code isthmus/v1/gateways/+/reported}
 * and {@code .../+/events}, publishes each gateway's {@code DesiredState} retained at QoS 1 on
 * {@code .../{id}/desired}. Reconnects by itself and subscribes again; unreadable messages are
 * counted and logged, never thrown.
 */
public final class MqttFleetTransport implements FleetTransport {
  private static final Logger LOG = LoggerFactory.getLogger(MqttFleetTransport.class);

  private final String brokerUri;
  private final MqttTopics topics;
  private final AtomicLong rejected = new AtomicLong();
  private MqttAsyncClient client;
  private Listener listener;

  public MqttFleetTransport(String brokerUri, MqttTopics topics) {
    this.brokerUri = brokerUri;
    this.topics = topics;
  }

  @Override
  public CompletableFuture<Void> start(Listener listener) {
    this.listener = listener;
    CompletableFuture<Void> started = new CompletableFuture<>();
    try {
      client =
          new MqttAsyncClient(
              brokerUri,
              "isthmus-console-" + UUID.randomUUID().toString().substring(0, 8),
              new MemoryPersistence());
      client.setCallback(new Callback(started));
      MqttConnectOptions options = new MqttConnectOptions();
      options.setCleanSession(true);
      options.setAutomaticReconnect(true);
      options.setMaxInflight(65_535); // a rollout wave publishes one desired state per gateway
      options.setKeepAliveInterval(30);
      client.connect(
          options,
          null,
          new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {}

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
              started.completeExceptionally(
                  new IllegalStateException("Cannot connect to MQTT broker " + brokerUri, e));
            }
          });
    } catch (MqttException e) {
      started.completeExceptionally(
          new IllegalStateException("Cannot connect to MQTT broker " + brokerUri, e));
    }
    return started;
  }

  @Override
  public void publishDesired(String gatewayId, DesiredState state) {
    String topic = topics.gateway(gatewayId, GatewayChannel.DESIRED);
    try {
      client.publish(topic, state.toByteArray(), 1, true);
    } catch (MqttException e) {
      // published again on reconnect (Listener.connected)
      LOG.atWarn()
          .addKeyValue("gateway", gatewayId)
          .log("publishing desired generation {} failed: {}", state.getGeneration(), e.toString());
    }
  }

  @Override
  public long rejected() {
    return rejected.get();
  }

  @Override
  public void close() {
    if (client == null) {
      return;
    }
    try {
      if (client.isConnected()) {
        client.disconnect().waitForCompletion(2_000);
      }
      client.close(true);
    } catch (MqttException e) {
      LOG.warn("closing the MQTT client failed: {}", e.toString());
    }
  }

  private void received(String topic, byte[] payload) {
    Optional<GatewayTopic> parsed = topics.parseGateway(topic);
    if (parsed.isEmpty()) {
      reject(topic, "not a gateway topic");
      return;
    }
    String gatewayId = parsed.get().gatewayId();
    if (payload.length == 0) {
      return; // a retained message being cleared
    }
    try {
      if (parsed.get().channel() == GatewayChannel.REPORTED) {
        listener.reported(gatewayId, ReportedState.parseFrom(payload));
      } else if (parsed.get().channel() == GatewayChannel.EVENTS) {
        listener.event(gatewayId, GatewayEvent.parseFrom(payload));
      }
    } catch (InvalidProtocolBufferException e) {
      reject(topic, "not a protobuf message: " + e.getMessage());
    }
  }

  private void reject(String topic, String why) {
    long n = rejected.incrementAndGet();
    if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th ...: bounded log volume
      LOG.warn("rejected message #{} on {}: {}", n, topic, why);
    }
  }

  private final class Callback implements MqttCallbackExtended {
    private final CompletableFuture<Void> started;

    Callback(CompletableFuture<Void> started) {
      this.started = started;
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      String[] filters = {
        topics.gatewaySubscription(GatewayChannel.REPORTED),
        topics.gatewaySubscription(GatewayChannel.EVENTS)
      };
      try {
        client.subscribe(
            filters,
            new int[] {1, 1},
            null,
            new IMqttActionListener() {
              @Override
              public void onSuccess(IMqttToken token) {
                LOG.info("MQTT connected to {}, subscribed to gateway reports", serverUri);
                listener.connected();
                started.complete(null);
              }

              @Override
              public void onFailure(IMqttToken token, Throwable e) {
                started.completeExceptionally(
                    new IllegalStateException("Subscribing on " + serverUri + " failed", e));
              }
            });
      } catch (MqttException e) {
        started.completeExceptionally(e);
      }
    }

    @Override
    public void connectionLost(Throwable cause) {
      LOG.warn("MQTT connection to {} lost: {}; reconnecting", brokerUri, String.valueOf(cause));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      received(topic, message.getPayload());
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }
}
