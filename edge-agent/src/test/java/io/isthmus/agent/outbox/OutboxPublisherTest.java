package io.isthmus.agent.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.ingest.MessageHandler;
import io.isthmus.agent.ingest.MqttConnection;
import io.isthmus.agent.pipeline.SensorEventDecoder;
import io.isthmus.protocol.delivery.Deduplicator;
import io.isthmus.protocol.delivery.IdempotencyKey;
import io.isthmus.protocol.json.InferenceResultJson;
import io.isthmus.protocol.v1.InferenceResult;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxPublisherTest {
  private static final InferenceResultJson JSON = InferenceResultJson.defaults();

  @TempDir Path dir;

  /** Takes publishes at QoS 1 in memory; fails the ones whose ordinal is in {@code failing}. */
  private static final class FakeMqtt implements MqttConnection {
    record Sent(String topic, byte[] payload, int qos, String contentType) {}

    final List<Sent> taken = new CopyOnWriteArrayList<>();
    final AtomicBoolean connected = new AtomicBoolean(true);
    final AtomicInteger publishes = new AtomicInteger();
    final List<Integer> failing;

    FakeMqtt(Integer... failing) {
      this.failing = List.of(failing);
    }

    @Override
    public Future<Void> publish(
        String topic, byte[] payload, int qos, boolean retained, String contentType) {
      if (failing.contains(publishes.incrementAndGet())) {
        return Future.failedFuture(new IllegalStateException("connection lost"));
      }
      taken.add(new Sent(topic, payload, qos, contentType));
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> connect() {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> subscribe(String filter, int qos, MessageHandler handler) {
      return Future.succeededFuture();
    }

    @Override
    public boolean isConnected() {
      return connected.get();
    }

    @Override
    public Future<Void> disconnect() {
      return Future.succeededFuture();
    }
  }

  private static InferenceResult result(long sequence) {
    return InferenceResult.newBuilder()
        .setDeviceId("dev-1")
        .setSequence(sequence)
        .setEventTimestampUs(1_700_000_000_000_000L + sequence)
        .setPipeline("p")
        .build();
  }

  private static void awaitDelivered(OutboxPublisher publisher) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (publisher.outbox().stats().depth() > 0) {
      assertThat(System.nanoTime()).as("outbox still holds records").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private OutboxPublisher open() throws Exception {
    return OutboxPublisher.open(OutboxOptions.builder(dir, "gw-1").build());
  }

  @Test
  void storedResultsAreSentInOrderAtQos1WithTheirKeyAndAcknowledged() throws Exception {
    FakeMqtt mqtt = new FakeMqtt();
    try (OutboxPublisher publisher = open()) {
      for (long i = 1; i <= 5; i++) {
        assertThat(
                publisher
                    .publish("isthmus/v1/results/p/dev-1", JSON.encode(result(i)), 0, null)
                    .succeeded())
            .isTrue();
      }
      assertThat(publisher.outbox().stats().depth()).isEqualTo(5);
      assertThat(mqtt.taken).isEmpty();

      publisher.start(mqtt);

      awaitDelivered(publisher);
      List<String> keys = new ArrayList<>();
      List<Long> sequences = new ArrayList<>();
      for (FakeMqtt.Sent sent : mqtt.taken) {
        assertThat(sent.topic()).isEqualTo("isthmus/v1/results/p/dev-1");
        assertThat(sent.qos()).isEqualTo(1);
        assertThat(sent.contentType()).isNull();
        InferenceResult delivered = JSON.decode(sent.payload());
        keys.add(delivered.getIdempotencyKey());
        sequences.add(delivered.getSequence());
      }
      assertThat(keys).containsExactly("gw-1:1", "gw-1:2", "gw-1:3", "gw-1:4", "gw-1:5");
      assertThat(sequences).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(publisher.outbox().stats().delivered()).isEqualTo(5);
    }
  }

  @Test
  void aFailedPublishIsResentWithTheSameKeyAndDeduplicationLeavesEachResultOnce() throws Exception {
    // the third publish of one batch of five fails: the records from it on are sent again
    FakeMqtt mqtt = new FakeMqtt(3);
    try (OutboxPublisher publisher = open()) {
      for (long i = 1; i <= 5; i++) {
        publisher.publish(
            "t/" + i, result(i).toByteArray(), 1, SensorEventDecoder.PROTOBUF_CONTENT_TYPE);
      }
      publisher.start(mqtt);

      awaitDelivered(publisher);
      Deduplicator dedup = new Deduplicator();
      List<Long> sentSequences = new ArrayList<>();
      List<Long> firstSeen = new ArrayList<>();
      for (FakeMqtt.Sent sent : mqtt.taken) {
        InferenceResult delivered = InferenceResult.parseFrom(sent.payload());
        assertThat(sent.topic()).isEqualTo("t/" + delivered.getSequence());
        assertThat(sent.contentType()).isEqualTo(SensorEventDecoder.PROTOBUF_CONTENT_TYPE);
        IdempotencyKey key = IdempotencyKey.parse(delivered.getIdempotencyKey());
        assertThat(key.sequence()).isEqualTo(delivered.getSequence());
        sentSequences.add(key.sequence());
        if (dedup.firstSeen(key)) {
          firstSeen.add(delivered.getSequence());
        }
      }
      assertThat(sentSequences).containsExactly(1L, 2L, 4L, 5L, 3L, 4L, 5L);
      assertThat(firstSeen).containsExactly(1L, 2L, 4L, 5L, 3L);
    }
  }

  @Test
  void nothingIsSentWhileDisconnectedAndEverythingOnceConnected() throws Exception {
    FakeMqtt mqtt = new FakeMqtt();
    mqtt.connected.set(false);
    try (OutboxPublisher publisher = open()) {
      publisher.start(mqtt);
      for (long i = 1; i <= 3; i++) {
        publisher.publish("t", JSON.encode(result(i)), 1, "application/json");
      }
      Thread.sleep(300);
      assertThat(mqtt.publishes.get()).isZero();
      assertThat(publisher.outbox().stats().depth()).isEqualTo(3);

      mqtt.connected.set(true);

      awaitDelivered(publisher);
      assertThat(mqtt.taken).hasSize(3);
    }
  }

  @Test
  void whatWasNotDeliveredBeforeCloseIsDeliveredAfterReopening() throws Exception {
    try (OutboxPublisher publisher = open()) {
      publisher.publish("t", JSON.encode(result(1)), 1, null);
      publisher.publish("t", JSON.encode(result(2)), 1, null);
    }
    FakeMqtt mqtt = new FakeMqtt();
    try (OutboxPublisher publisher = open()) {
      publisher.publish("t", JSON.encode(result(3)), 1, null);
      publisher.start(mqtt);

      awaitDelivered(publisher);
      List<String> keys = new ArrayList<>();
      for (FakeMqtt.Sent sent : mqtt.taken) {
        keys.add(JSON.decode(sent.payload()).getIdempotencyKey());
      }
      assertThat(keys).containsExactly("gw-1:1", "gw-1:2", "gw-1:3");
    }
  }
}
