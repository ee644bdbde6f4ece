package io.isthmus.agent.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** MQTT 5 against the machine's Mosquitto on 127.0.0.1:1883. */
@ExtendWith(VertxExtension.class)
@Timeout(30)
class MosquittoMqttIT {

  /** Topics unique to this run, so parallel runs on the shared broker do not meet. */
  private final String root = "isthmus-it/" + UUID.randomUUID();

  @BeforeAll
  static void needsMosquitto() {
    LocalMosquitto.assumeReachable();
  }

  private static MqttOptions.Builder v5() {
    return MqttOptions.builder(LocalMosquitto.URI).mqttVersion(MqttVersion.V5);
  }

  @Test
  void publishesAndReceivesAtQos0And1(Vertx vertx) throws Exception {
    try (MeteredMqttConnection subscriber = MqttConnections.create(vertx, v5().build());
        MeteredMqttConnection publisher = MqttConnections.create(vertx, v5().build())) {
      // GIVEN
      Await.result(subscriber.connect());
      Await.result(publisher.connect());
      Inbox inbox = new Inbox();
      Await.result(subscriber.subscribe(root + "/+/temp", 1, inbox));

      // WHEN
      Await.result(publisher.publish(root + "/d1/temp", bytes("q0"), 0, false, null));
      Await.result(publisher.publish(root + "/d1/hum", bytes("no"), 1, false, null));
      Await.result(publisher.publish(root + "/d2/temp", bytes("q1"), 1, false, null));

      // THEN
      List<InboundMessage> got = inbox.awaitCount(2);
      assertThat(got)
          .extracting(InboundMessage::topic)
          .containsExactly(root + "/d1/temp", root + "/d2/temp");
      assertThat(inbox.payloads()).containsExactly("q0", "q1");
      assertThat(got).extracting(InboundMessage::qos).containsExactly(0, 1);
      assertThat(got).allSatisfy(m -> assertThat(m.contentType()).isEmpty());
      assertThat(publisher.stats().messagesPublished()).isEqualTo(3);
    }
  }

  @Test
  void carriesTheContentType(Vertx vertx) throws Exception {
    try (MeteredMqttConnection connection = MqttConnections.create(vertx, v5().build())) {
      Await.result(connection.connect());
      Inbox inbox = new Inbox();
      Await.result(connection.subscribe(root + "/ct/#", 1, inbox));

      Await.result(
          connection.publish(
              root + "/ct/pb", new byte[] {8, 1}, 1, false, "application/x-protobuf"));

      InboundMessage message = inbox.awaitCount(1).get(0);
      assertThat(message.contentType()).contains("application/x-protobuf");
      assertThat(message.payload()).containsExactly(8, 1);
      assertThat(message.topic()).isEqualTo(root + "/ct/pb");
    }
  }

  @Test
  void sharedSubscriptionSplitsMessagesAcrossTheGroup(Vertx vertx) throws Exception {
    // GIVEN two connections in one shared group, subscribed to the same filter
    MqttOptions grouped =
        v5().sharedGroup("g" + UUID.randomUUID().toString().substring(0, 8)).build();
    MqttOptions memberB = v5().sharedGroup(grouped.sharedGroup().orElseThrow()).build();
    try (MeteredMqttConnection a = MqttConnections.create(vertx, grouped);
        MeteredMqttConnection b = MqttConnections.create(vertx, memberB);
        MeteredMqttConnection publisher = MqttConnections.create(vertx, v5().build())) {
      Await.result(a.connect());
      Await.result(b.connect());
      Await.result(publisher.connect());
      Inbox inboxA = new Inbox();
      Inbox inboxB = new Inbox();
      Await.result(a.subscribe(root + "/shared/+", 1, inboxA));
      Await.result(b.subscribe(root + "/shared/+", 1, inboxB));

      // WHEN 100 messages are published
      List<Future<Void>> sent = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        sent.add(publisher.publish(root + "/shared/s" + (i % 3), bytes("m" + i), 1, false, null));
      }
      Await.result(Future.all(sent));

      // THEN each member gets some, and together they get every message exactly once
      Await.until(
          java.time.Duration.ofSeconds(10),
          () -> inboxA.messages.size() + inboxB.messages.size() >= 100,
          () -> "100 messages, got " + inboxA.messages.size() + " + " + inboxB.messages.size());
      assertThat(inboxA.messages).isNotEmpty();
      assertThat(inboxB.messages).isNotEmpty();
      List<String> all = new ArrayList<>(inboxA.payloads());
      all.addAll(inboxB.payloads());
      Set<String> expected = new HashSet<>();
      IntStream.range(0, 100).forEach(i -> expected.add("m" + i));
      assertThat(all).hasSize(100).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(inboxA.messages)
          .allSatisfy(m -> assertThat(m.topic()).startsWith(root + "/shared/s"));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
