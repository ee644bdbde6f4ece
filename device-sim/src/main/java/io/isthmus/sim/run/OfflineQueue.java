package io.isthmus.sim.run;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's offline buffer: events published while the connection is down wait here, in
 * order, and go out first once it is back ({@link #flush} on reconnect, and before every publish).
 *
 * <p>It replaces Paho's disconnected buffer, which strands events: while that buffer is not empty a
 * publish joins it instead of being sent, but the thread that empties it after a reconnect can
 * finish between the publish seeing it non-empty and adding to it. Nothing sends that event, nor
 * any later one (they all find the buffer non-empty), until the next reconnect: under CPU load a
 * broker restart lost the last second of a run this way (Paho 1.2.5, both clients; the symptom is
 * eclipse-paho/paho.mqtt.java#348, "client appears connected but messages keep getting buffered").
 */
final class OfflineQueue {
  private static final Logger LOG = LoggerFactory.getLogger(OfflineQueue.class);

  /** What the client did with one message. */
  enum Outcome {
    SENT,
    NOT_CONNECTED,
    INFLIGHT_FULL
  }

  /** One event as handed to {@link MqttLink#publish}. */
  record Message(String topic, byte[] payload, int qos, boolean protobuf) {}

  /** Hands one message to the client; failures other than the two outcomes throw. */
  @FunctionalInterface
  interface Sender {
    Outcome send(Message message) throws SimulationException;
  }

  private static final long INFLIGHT_PARK_NANOS = 200_000;
  // Paho's reason codes, the same in its MQTT 3.1.1 and MQTT 5 clients
  static final int PAHO_NOT_CONNECTED = 32104;
  static final int PAHO_MAX_INFLIGHT = 32202;

  private final Deque<Message> waiting = new ArrayDeque<>();
  private final int capacity;
  private final long inflightWaitNanos;
  private final Sender sender;

  /**
   * @param capacity how many events may wait while disconnected; 0 fails a publish at once when the
   *     client is not connected (no reconnect will come)
   * @param inflightWaitNanos how long a publish waits for a free in-flight slot before it fails
   */
  OfflineQueue(int capacity, long inflightWaitNanos, Sender sender) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity is " + capacity + ", expected 0 or more");
    }
    this.capacity = capacity;
    this.inflightWaitNanos = inflightWaitNanos;
    this.sender = sender;
  }

  /**
   * Sends {@code message} after the events waiting before it; keeps it while the client is not
   * connected.
   *
   * @throws SimulationException when it cannot wait (not connected and the buffer is full or has no
   *     room at all), when the in-flight window stays full for the wait, or when the client refuses
   *     it
   */
  synchronized void publish(Message message) throws SimulationException {
    if (flush() && send(message)) {
      return;
    }
    if (waiting.size() >= capacity) {
      throw new SimulationException(
          "Publish to "
              + message.topic()
              + " failed: not connected"
              + (capacity == 0 ? "" : ", and " + capacity + " events already wait (offlineBuffer)"),
          null);
    }
    waiting.addLast(message);
  }

  /**
   * Sends the waiting events in order until none is left or the connection drops again.
   *
   * @return true when none is left
   * @throws SimulationException when the client refuses one (it stays first in line)
   */
  synchronized boolean flush() throws SimulationException {
    Message next;
    while ((next = waiting.peekFirst()) != null) {
      if (!send(next)) {
        return false;
      }
      waiting.removeFirst();
    }
    return true;
  }

  /**
   * {@link #flush} from the client's callback thread after a reconnect, so that waiting events go
   * out even when nothing is published any more; a refusal is logged (the next publish retries).
   */
  void flushOnReconnect(String broker) {
    try {
      flush();
    } catch (SimulationException e) {
      LOG.warn(
          "Offline events not sent after reconnect broker={} waiting={}", broker, waiting(), e);
    }
  }

  /**
   * What a Paho client's refusal of {@code message} with {@code reasonCode} means: a full in-flight
   * window or a lost connection, else a failure of the publish.
   *
   * @throws SimulationException for any other reason, with {@code cause}
   */
  static Outcome refused(Message message, int reasonCode, Exception cause)
      throws SimulationException {
    return switch (reasonCode) {
      case PAHO_MAX_INFLIGHT -> Outcome.INFLIGHT_FULL;
      case PAHO_NOT_CONNECTED -> Outcome.NOT_CONNECTED;
      default ->
          throw new SimulationException(
              "Publish to " + message.topic() + " failed: " + cause.getMessage(), cause);
    };
  }

  /** How many events wait for the connection. */
  synchronized int waiting() {
    return waiting.size();
  }

  /** Returns false when not connected; waits while the in-flight window is full. */
  private boolean send(Message message) throws SimulationException {
    long deadline = System.nanoTime() + inflightWaitNanos;
    while (true) {
      switch (sender.send(message)) {
        case SENT:
          return true;
        case NOT_CONNECTED:
          return false;
        case INFLIGHT_FULL:
          if (System.nanoTime() > deadline) {
            throw new SimulationException(
                "Publish to " + message.topic() + " failed: the in-flight window stayed full",
                null);
          }
          LockSupport.parkNanos(INFLIGHT_PARK_NANOS);
          break;
        default:
          throw new IllegalStateException("unknown outcome");
      }
    }
  }
}
