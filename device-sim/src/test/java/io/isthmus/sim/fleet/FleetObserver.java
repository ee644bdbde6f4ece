package io.isthmus.sim.fleet;

import io.isthmus.protocol.mqtt.GatewayChannel;
import io.isthmus.protocol.mqtt.GatewayTopic;
import io.isthmus.protocol.mqtt.MqttTopics;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.ReportedState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The console's side in the tests: one MQTT connection that publishes desired states (retained) and
 * keeps the latest reported state and every event of each gateway.
 */
final class FleetObserver implements AutoCloseable {
  private final MqttTopics topics = MqttTopics.defaults();
  private final MqttAsyncClient client;
  private final Map<String, ReportedState> reported = new ConcurrentHashMap<>();
  private final Map<String, List<GatewayEvent>> events = new ConcurrentHashMap<>();
  private final List<String> desiredTopics = new CopyOnWriteArrayList<>();

  FleetObserver(String uri) throws MqttException {
    client = new MqttAsyncClient(uri, "observer-" + UUID.randomUUID(), new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setMaxInflight(10_000);
    client.connect(options).waitForCompletion(5_000);
    client
        .subscribe(
            new String[] {
              topics.gatewaySubscription(GatewayChannel.REPORTED),
              topics.gatewaySubscription(GatewayChannel.EVENTS)
            },
            new int[] {1, 1},
            new org.eclipse.paho.client.mqttv3.IMqttMessageListener[] {
              (topic, message) -> received(topic, message.getPayload()),
              (topic, message) -> received(topic, message.getPayload())
            })
        .waitForCompletion(5_000);
  }

  private void received(String topic, byte[] payload) throws Exception {
    Optional<GatewayTopic> parsed = topics.parseGateway(topic);
    if (parsed.isEmpty() || payload.length == 0) {
      return;
    }
    String id = parsed.get().gatewayId();
    if (parsed.get().channel() == GatewayChannel.REPORTED) {
      reported.put(id, ReportedState.parseFrom(payload));
    } else {
      events
          .computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
          .add(GatewayEvent.parseFrom(payload));
    }
  }

  /** Publishes, retained, a desired state with one pipeline for each of {@code gatewayIds}. */
  void desire(Collection<String> gatewayIds, long generation, String pipeline, DesiredModel model)
      throws MqttException {
    for (String id : gatewayIds) {
      DesiredState state =
          DesiredState.newBuilder()
              .setGatewayId(id)
              .setGeneration(generation)
              .putPipelines(pipeline, model)
              .setUpdatedAtUs(System.currentTimeMillis() * 1000)
              .build();
      String topic = topics.gateway(id, GatewayChannel.DESIRED);
      desiredTopics.add(topic);
      client.publish(topic, state.toByteArray(), 1, true);
    }
  }

  Optional<ReportedState> reported(String id) {
    return Optional.ofNullable(reported.get(id));
  }

  List<GatewayEvent> events(String id) {
    return new ArrayList<>(events.getOrDefault(id, List.of()));
  }

  /** Clears the retained desired and reported states (they would outlive the test on Mosquitto). */
  @Override
  public void close() throws MqttException {
    for (String id : reported.keySet()) {
      desiredTopics.add(topics.gateway(id, GatewayChannel.REPORTED));
    }
    for (String topic : desiredTopics) {
      client.publish(topic, new byte[0], 1, true).waitForCompletion(5_000);
    }
    client.disconnect().waitForCompletion(5_000);
    client.close();
  }
}
