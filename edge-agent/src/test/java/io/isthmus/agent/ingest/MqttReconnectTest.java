package io.isthmus.agent.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.protocol.broker.EmbeddedBroker;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connection survives a broker restart: it reconnects, restores its subscriptions and sends
 * what waited in its offline buffer.
 */
@ExtendWith(VertxExtension.class)
@Timeout(30)
class MqttReconnectTest {

  @Test
  void reconnectsAndResubscribesAfterBrokerRestart(Vertx vertx) throws Exception {
    // GIVEN a broker on a fixed port and a subscribed QoS 1 connection with short backoff
    EmbeddedBroker first = EmbeddedBroker.start("127.0.0.1", 0);
    int port = first.port();
    MqttOptions options =
        MqttOptions.builder(first.uri())
            .mqttVersion(MqttVersion.V3_1_1)
            .reconnectInitialDelay(Duration.ofMillis(20))
            .reconnectMaxDelay(Duration.ofMillis(200))
            .connectTimeout(Duration.ofSeconds(2))
            .offlineBuffer(1)
            .build();
    Inbox inbox = new Inbox();
    EmbeddedBroker second = null;
    try (MeteredMqttConnection connection = MqttConnections.create(vertx, options)) {
      Await.result(connection.connect());
      Await.result(connection.subscribe("restart/#", 1, inbox));
      Await.result(connection.publish("restart/before", bytes("before"), 1, false, null));
      inbox.awaitCount(1);

      // WHEN the broker stops
      first.stop();
      Await.until(
          Duration.ofSeconds(5), () -> !connection.isConnected(), () -> "connection to drop");
      // a publish waits in the one-message offline buffer, the next one overflows it
      var buffered = connection.publish("restart/during", bytes("during"), 1, false, null);
      assertThat(Await.failure(connection.publish("restart/x", bytes("x"), 1, false, null)))
          .hasMessageContaining("1 publishes already wait")
          .hasMessageContaining("unreachable");
      assertThat(connection.stats().offlineBuffered()).isEqualTo(1);
      assertThat(connection.stats().offlineOverflows()).isEqualTo(1);

      // AND a new broker (which knows no subscriptions) starts on the same port
      second = EmbeddedBroker.start("127.0.0.1", port);
      assertThat(second.port()).isEqualTo(port);

      // THEN the connection comes back with its subscription restored, sends the buffered
      // message first, then new ones
      Await.until(Duration.ofSeconds(10), connection::isConnected, () -> "reconnection");
      Await.result(buffered);
      Await.result(connection.publish("restart/after", bytes("after"), 1, false, null));
      inbox.awaitCount(3);
      assertThat(inbox.payloads()).containsExactly("before", "during", "after");
      assertThat(connection.stats().offlineBuffered()).isZero();
      MqttStats stats = connection.stats();
      assertThat(stats.connectionLosses()).isEqualTo(1);
      assertThat(stats.reconnects()).isEqualTo(1);
      assertThat(stats.connects()).isEqualTo(2);
    } finally {
      first.stop();
      if (second != null) {
        second.stop();
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
