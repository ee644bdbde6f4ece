package io.isthmus.agent.outbox;

import io.isthmus.agent.exec.RateLimitedLog;
import io.isthmus.agent.ingest.MqttConnection;
import io.isthmus.agent.pipeline.ResultSink;
import io.isthmus.agent.pipeline.SensorEventDecoder;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.delivery.Deduplicator;
import io.isthmus.protocol.delivery.IdempotencyKey;
import io.isthmus.protocol.json.InferenceResultJson;
import io.isthmus.protocol.mqtt.GatewayChannel;
import io.isthmus.protocol.mqtt.MqttTopics;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.InferenceResult;
import io.vertx.core.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends results (and the gateway's progress events, {@code isthmus/v1/gateways/{id}/events}) to
 * MQTT through a durable {@link Outbox}: {@link #publish} appends the result and completes once it
 * is stored (as the fsync policy says), and one delivery thread publishes the stored results in
 * order at QoS 1, each carrying its {@link IdempotencyKey} in the result's {@code idempotency_key},
 * and acknowledges a record in the outbox when the broker acknowledged its publish (PUBACK). A
 * failed or unanswered publish, or a lost connection, rewinds delivery to the oldest unacknowledged
 * record, which is sent again once the connection is back: at least once, in order, and a consumer
 * drops the duplicates by key ({@link Deduplicator}).
 *
 * <p>{@link #publish} blocks on disk I/O: call it from worker threads. Results that do not fit
 * (quota under {@link FullPolicy#REJECT}, a record too large, a disk error) fail its future; the
 * outbox counts and logs drops and rejections.
 */
public final class OutboxPublisher implements ResultSink, AutoCloseable {
  /** How many publishes may await their PUBACK at once. */
  static final int WINDOW = 32;

  private static final Logger LOG = LoggerFactory.getLogger(OutboxPublisher.class);
  private static final Duration PUBACK_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration RETRY_DELAY = Duration.ofMillis(200);
  private static final Duration IDLE_WAIT = Duration.ofMillis(100);

  private final Outbox outbox;
  private final InferenceResultJson json = InferenceResultJson.defaults();
  private final MqttTopics topics = MqttTopics.defaults();
  private final RateLimitedLog log = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private final Object wakeUp = new Object();
  private volatile MqttConnection connection;
  private volatile boolean running = true;
  private Thread delivery;

  /** Opens (or recovers) the outbox; delivery starts with {@link #start}. */
  public static OutboxPublisher open(OutboxOptions options) throws IOException {
    return new OutboxPublisher(Outbox.open(options));
  }

  private OutboxPublisher(Outbox outbox) {
    this.outbox = outbox;
  }

  public Outbox outbox() {
    return outbox;
  }

  /** Starts the delivery thread, publishing on {@code mqtt}; records stored earlier go first. */
  public synchronized void start(MqttConnection mqtt) {
    if (delivery != null) {
      throw new IllegalStateException("Outbox delivery already started");
    }
    connection = mqtt;
    delivery = new Thread(this::deliverUntilClosed, "outbox-delivery");
    delivery.setDaemon(true);
    delivery.start();
  }

  /**
   * Stores the result; the future completes when it is in the outbox, not when it reached the
   * broker. The {@code qos} is ignored: delivery is always at QoS 1.
   */
  @Override
  public Future<Void> publish(String topic, byte[] payload, int qos, String contentType) {
    try {
      outbox.append(
          new OutboxMessage(topic, contentType == null ? "" : contentType, payload).encode());
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      return Future.failedFuture(e);
    }
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
    return Future.succeededFuture();
  }

  private void deliverUntilClosed() {
    while (running) {
      try {
        if (!deliverOnce()) {
          sleep(RETRY_DELAY);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        if (!running) {
          return;
        }
        log.warn("outbox-io", "Outbox delivery failed, retrying: " + e);
        sleep(RETRY_DELAY);
      }
    }
  }

  /**
   * Publishes up to {@link #WINDOW} records and acknowledges those the broker took, in order.
   *
   * @return false when delivery must pause (not connected, or a publish failed: rewound)
   */
  private boolean deliverOnce() throws IOException, InterruptedException {
    MqttConnection mqtt = connection;
    if (!mqtt.isConnected()) {
      outbox.rewind();
      return false;
    }
    long appendedBefore = outbox.stats().appended();
    List<OutboxRecord> batch = outbox.poll(WINDOW);
    if (batch.isEmpty()) {
      // caught up (or stuck at an unreadable record): wait unless an append came meanwhile
      synchronized (wakeUp) {
        if (outbox.stats().appended() == appendedBefore) {
          wakeUp.wait(IDLE_WAIT.toMillis());
        }
      }
      return true;
    }
    List<Future<Void>> sent = new ArrayList<>(batch.size());
    for (OutboxRecord record : batch) {
      sent.add(send(mqtt, record));
    }
    long acked = 0;
    boolean failed = false;
    for (int i = 0; i < batch.size() && !failed; i++) {
      try {
        sent.get(i)
            .toCompletionStage()
            .toCompletableFuture()
            .get(PUBACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        acked = batch.get(i).sequence();
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        log.warn(
            "outbox-publish",
            "Outbox record "
                + batch.get(i).key()
                + " not acknowledged, resending from it: "
                + cause);
        failed = true;
      }
    }
    if (acked > 0) {
      outbox.ack(acked);
    }
    if (failed) {
      outbox.rewind();
    }
    return !failed;
  }

  /** Publishes one record with its idempotency key; a record that cannot be read is skipped. */
  private Future<Void> send(MqttConnection mqtt, OutboxRecord record) {
    OutboxMessage message;
    byte[] keyed;
    try {
      message = OutboxMessage.decode(record.payload());
      keyed = withKey(message, record.key());
    } catch (IOException | ProtocolException e) {
      // written by this class, so only a format change or damage gets here: resending cannot help
      LOG.error(
          "Outbox record {} is neither a result nor an event and is skipped: {}",
          record.key(),
          e.toString());
      return Future.succeededFuture();
    }
    String contentType = message.contentType().isEmpty() ? null : message.contentType();
    return mqtt.publish(message.topic(), keyed, 1, false, contentType);
  }

  private byte[] withKey(OutboxMessage message, IdempotencyKey key)
      throws IOException, ProtocolException {
    if (topics
        .parseGateway(message.topic())
        .filter(t -> t.channel() == GatewayChannel.EVENTS)
        .isPresent()) {
      return GatewayEvent.parseFrom(message.payload()).toBuilder()
          .setIdempotencyKey(key.toString())
          .build()
          .toByteArray();
    }
    if (SensorEventDecoder.PROTOBUF_CONTENT_TYPE.equals(message.contentType())) {
      return InferenceResult.parseFrom(message.payload()).toBuilder()
          .setIdempotencyKey(key.toString())
          .build()
          .toByteArray();
    }
    return json.encode(
        json.decode(message.payload()).toBuilder().setIdempotencyKey(key.toString()).build());
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops delivery after the publishes in flight settled (what is not acknowledged stays stored for
   * the next start) and closes the outbox. Not interrupted, so no file channel of the outbox is
   * closed under it. Idempotent.
   */
  @Override
  public void close() throws IOException {
    Thread thread;
    synchronized (this) {
      running = false;
      thread = delivery;
    }
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
    if (thread != null) {
      try {
        thread.join(2 * PUBACK_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    outbox.close();
  }
}
