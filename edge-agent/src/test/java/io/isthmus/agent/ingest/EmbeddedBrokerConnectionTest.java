package io.isthmus.agent.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.protocol.broker.EmbeddedBroker;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** MQTT 3.1.1 against the embedded Moquette broker. */
@ExtendWith(VertxExtension.class)
@Timeout(30)
class EmbeddedBrokerConnectionTest {

  private static EmbeddedBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedBroker.start("127.0.0.1", 0);
  }

  @AfterAll
  static void stopBroker() {
    broker.stop();
  }

  private static MqttOptions.Builder v311() {
    return MqttOptions.builder(broker.uri()).mqttVersion(MqttVersion.V3_1_1);
  }

  @Test
  void publishesAndReceivesAtQos0And1(Vertx vertx) throws Exception {
    // GIVEN a subscriber and a publisher on the embedded broker
    MeteredMqttConnection subscriber = MqttConnections.create(vertx, v311().build());
    MeteredMqttConnection publisher = MqttConnections.create(vertx, v311().build());
    try (subscriber;
        publisher) {
      Await.result(subscriber.connect());
      Await.result(publisher.connect());
      Inbox inbox = new Inbox();
      Await.result(subscriber.subscribe("sensors/+/temp", 1, inbox));
      assertThat(subscriber.isConnected()).isTrue();

      // WHEN it publishes at QoS 0 and 1, and on a topic nobody subscribed to
      Await.result(publisher.publish("sensors/dev1/temp", bytes("q0"), 0, false, null));
      Await.result(publisher.publish("sensors/dev1/hum", bytes("other"), 1, false, null));
      Await.result(publisher.publish("sensors/dev2/temp", bytes("q1"), 1, false, "ignored/v3"));

      // THEN the subscriber gets both matching messages with topic, payload and QoS
      List<InboundMessage> got = inbox.awaitCount(2);
      assertThat(got)
          .extracting(InboundMessage::topic)
          .containsExactly("sensors/dev1/temp", "sensors/dev2/temp");
      assertThat(inbox.payloads()).containsExactly("q0", "q1");
      assertThat(got).extracting(InboundMessage::qos).containsExactly(0, 1);
      assertThat(got).allSatisfy(m -> assertThat(m.contentType()).isEmpty());
      assertThat(got.get(0).receivedEpochMicros())
          .isCloseTo(
              System.currentTimeMillis() * 1000, org.assertj.core.data.Offset.offset(10_000_000L));
      assertThat(publisher.stats().messagesPublished()).isEqualTo(3);
      assertThat(subscriber.stats().connects()).isEqualTo(1);
      Await.until(
          Duration.ofSeconds(2),
          () -> subscriber.stats().messagesReceived() == 2,
          () -> "2 received, stats " + subscriber.stats());
    }
  }

  @Test
  void routesEachMessageToTheHandlersWhoseFilterMatches(Vertx vertx) throws Exception {
    try (MeteredMqttConnection connection = MqttConnections.create(vertx, v311().build())) {
      Await.result(connection.connect());
      Inbox temps = new Inbox();
      Inbox all = new Inbox();
      Await.result(connection.subscribe("route/+/temp", 0, temps));
      Await.result(connection.subscribe("route/#", 0, all));

      Await.result(connection.publish("route/a/temp", bytes("t"), 1, false, null));
      Await.result(connection.publish("route/a/hum", bytes("h"), 1, false, null));

      all.awaitCount(2);
      assertThat(all.payloads()).containsExactlyInAnyOrder("t", "h");
      assertThat(temps.awaitCount(1)).extracting(InboundMessage::topic).contains("route/a/temp");
      assertThat(temps.payloads()).doesNotContain("h");
    }
  }

  @Test
  void queuesPublishesBeyondTheInflightWindowInOrder(Vertx vertx) throws Exception {
    // GIVEN a publisher allowed 50 unacknowledged messages (and a queue of 50 behind them)
    try (MeteredMqttConnection publisher =
            MqttConnections.create(vertx, v311().maxInflight(50).build());
        MeteredMqttConnection subscriber = MqttConnections.create(vertx, v311().build())) {
      Await.result(publisher.connect());
      Await.result(subscriber.connect());
      Inbox inbox = new Inbox();
      Await.result(subscriber.subscribe("burst/#", 1, inbox));

      // WHEN it fires 100 QoS 1 publishes at once
      List<io.vertx.core.Future<Void>> sent = new java.util.ArrayList<>();
      for (int i = 0; i < 100; i++) {
        sent.add(publisher.publish("burst/x", bytes("m" + i), 1, false, null));
      }

      // THEN all succeed and arrive in order
      Await.result(io.vertx.core.Future.all(sent));
      inbox.awaitCount(100);
      assertThat(inbox.payloads())
          .containsExactlyElementsOf(
              java.util.stream.IntStream.range(0, 100).mapToObj(i -> "m" + i).toList());
      assertThat(publisher.stats().messagesPublished()).isEqualTo(100);
    }
  }

  @Test
  void publishWhileDisconnectedFailsClearly(Vertx vertx) throws Exception {
    // GIVEN a connection without offline buffer that was never connected, and one that was
    // disconnected (with the default buffer a publish before the first connect would wait)
    MeteredMqttConnection never = MqttConnections.create(vertx, v311().offlineBuffer(0).build());
    MeteredMqttConnection closed = MqttConnections.create(vertx, v311().build());
    Await.result(closed.connect());
    Await.result(closed.disconnect());

    // THEN publishing fails and says why
    assertThat(Await.failure(never.publish("a/b", bytes("x"), 1, false, null)))
        .isInstanceOf(MqttConnectionException.class)
        .hasMessageContaining(
            "Cannot publish to 'a/b': not connected to MQTT broker " + broker.uri());
    assertThat(Await.failure(closed.publish("a/b", bytes("x"), 0, false, null)))
        .isInstanceOf(MqttConnectionException.class)
        .hasMessageContaining("the connection to " + broker.uri() + " is closed");
    assertThat(closed.isConnected()).isFalse();
    assertThat(Await.failure(never.publish("a/+", bytes("x"), 0, false, null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Await.failure(never.publish("a/b", bytes("x"), 2, false, null)))
        .hasMessageContaining("qos 2 is not supported");
    Await.result(never.disconnect());
  }

  @Test
  void connectToAnUnreachableBrokerFailsWithTheUri(Vertx vertx) throws Exception {
    MqttOptions options =
        MqttOptions.builder("tcp://127.0.0.1:1").mqttVersion(MqttVersion.V3_1_1).build();
    try (MeteredMqttConnection connection = MqttConnections.create(vertx, options)) {
      assertThat(Await.failure(connection.connect()))
          .isInstanceOf(MqttConnectionException.class)
          .hasMessageContaining("Cannot connect to MQTT broker tcp://127.0.0.1:1");
      assertThat(connection.isConnected()).isFalse();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
