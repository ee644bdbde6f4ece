package io.isthmus.sim.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.sim.run.OfflineQueue.Message;
import io.isthmus.sim.run.OfflineQueue.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OfflineQueueTest {

  /** A client that is connected or not, and keeps what it sent. */
  private static final class FakeClient implements OfflineQueue.Sender {
    final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean connected = new AtomicBoolean(true);
    final AtomicInteger inflightFullFor = new AtomicInteger();

    @Override
    public Outcome send(Message message) {
      if (!connected.get()) {
        return Outcome.NOT_CONNECTED;
      }
      if (inflightFullFor.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return Outcome.INFLIGHT_FULL;
      }
      sent.add(new String(message.payload(), StandardCharsets.UTF_8));
      return Outcome.SENT;
    }
  }

  private static Message event(int n) {
    return new Message(
        "sensors/d/accel", String.valueOf(n).getBytes(StandardCharsets.UTF_8), 1, false);
  }

  private static List<String> numbers(int from, int to) {
    return IntStream.range(from, to).mapToObj(String::valueOf).toList();
  }

  @Test
  void eventsPublishedWhileDisconnectedGoOutInOrderBeforeLaterOnes() throws Exception {
    // GIVEN a queue on a client that loses its connection after two events
    FakeClient client = new FakeClient();
    OfflineQueue queue = new OfflineQueue(10, 0, client);
    queue.publish(event(0));
    queue.publish(event(1));
    client.connected.set(false);

    // WHEN three events are published while it is down
    for (int n = 2; n < 5; n++) {
      queue.publish(event(n));
    }
    // THEN they wait
    assertThat(client.sent).containsExactly("0", "1");
    assertThat(queue.waiting()).isEqualTo(3);

    // and WHEN it is back, the next publish sends them first
    client.connected.set(true);
    queue.publish(event(5));
    assertThat(client.sent).containsExactlyElementsOf(numbers(0, 6));
    assertThat(queue.waiting()).isZero();
  }

  @Test
  void aReconnectSendsWhatWaitedWithoutAnotherPublish() throws Exception {
    FakeClient client = new FakeClient();
    OfflineQueue queue = new OfflineQueue(10, 0, client);
    client.connected.set(false);
    queue.publish(event(0));
    queue.publish(event(1));

    client.connected.set(true);
    queue.flushOnReconnect("tcp://broker");

    assertThat(client.sent).containsExactly("0", "1");
    assertThat(queue.waiting()).isZero();
  }

  @Test
  void aFullBufferFailsThePublishAndNamesTheOption() throws Exception {
    FakeClient client = new FakeClient();
    client.connected.set(false);
    OfflineQueue queue = new OfflineQueue(2, 0, client);
    queue.publish(event(0));
    queue.publish(event(1));

    assertThatThrownBy(() -> queue.publish(event(2)))
        .isInstanceOf(SimulationException.class)
        .hasMessageContaining("not connected")
        .hasMessageContaining("2 events already wait (offlineBuffer)");
    assertThat(queue.waiting()).isEqualTo(2);
  }

  @Test
  void withoutABufferAPublishWhileDisconnectedFailsAtOnce() {
    FakeClient client = new FakeClient();
    client.connected.set(false);
    OfflineQueue queue = new OfflineQueue(0, 0, client);

    assertThatThrownBy(() -> queue.publish(event(0)))
        .isInstanceOf(SimulationException.class)
        .hasMessage("Publish to sensors/d/accel failed: not connected");
  }

  @Test
  void aFullInFlightWindowIsWaitedForThenFails() throws Exception {
    FakeClient client = new FakeClient();
    OfflineQueue queue = new OfflineQueue(10, TimeUnit.SECONDS.toNanos(5), client);
    client.inflightFullFor.set(3);
    queue.publish(event(0));
    assertThat(client.sent).containsExactly("0");

    OfflineQueue impatient = new OfflineQueue(10, 0, client);
    client.inflightFullFor.set(Integer.MAX_VALUE);
    assertThatThrownBy(() -> impatient.publish(event(1)))
        .isInstanceOf(SimulationException.class)
        .hasMessageContaining("in-flight window stayed full");
  }

  @Test
  void pahoRefusalsMapToOutcomesAndOtherReasonsFailThePublish() throws Exception {
    assertThat(OfflineQueue.refused(event(0), 32104, new Exception("not connected")))
        .isEqualTo(Outcome.NOT_CONNECTED);
    assertThat(OfflineQueue.refused(event(0), 32202, new Exception("window full")))
        .isEqualTo(Outcome.INFLIGHT_FULL);
    Exception closed = new Exception("Client is closed");
    assertThatThrownBy(() -> OfflineQueue.refused(event(0), 32111, closed))
        .isInstanceOf(SimulationException.class)
        .hasMessage("Publish to sensors/d/accel failed: Client is closed")
        .hasCause(closed);
  }

  /**
   * The race that stranded events in Paho's own buffer: a publish and the flush after a reconnect
   * run at the same time. Every event must be sent exactly once, in order, whichever wins.
   */
  @Test
  void publishesRacingReconnectFlushesAreNeitherStrandedNorReordered() throws Exception {
    FakeClient client = new FakeClient();
    OfflineQueue queue = new OfflineQueue(1_000_000, 0, client);
    int events = 50_000;
    AtomicBoolean done = new AtomicBoolean();
    Thread reconnects =
        new Thread(
            () -> {
              while (!done.get()) {
                client.connected.set(false);
                Thread.onSpinWait();
                client.connected.set(true);
                queue.flushOnReconnect("tcp://broker");
              }
            });
    reconnects.start();
    for (int n = 0; n < events; n++) {
      queue.publish(event(n));
    }
    done.set(true);
    reconnects.join();
    client.connected.set(true);
    queue.flushOnReconnect("tcp://broker");

    assertThat(queue.waiting()).isZero();
    assertThat(client.sent).containsExactlyElementsOf(numbers(0, events));
  }
}
