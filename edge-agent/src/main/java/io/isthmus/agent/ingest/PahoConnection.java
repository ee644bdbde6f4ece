package io.isthmus.agent.ingest;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both Paho clients share: the reconnect loop, the subscription registry and its restoration,
 * message routing by the original filter, and the counters. Subclasses speak one protocol version.
 *
 * <p>Threading: connection state changes only on one Vert.x context ({@link #context}); Paho's
 * callbacks hop onto it, except incoming messages, which are routed on Paho's callback thread
 * straight to the handlers (which must not block).
 */
abstract class PahoConnection implements MeteredMqttConnection {

  static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

  /** A subscription as the caller asked for it; {@code filter} is never the {@code $share} form. */
  record Subscription(String filter, int qos, MessageHandler handler) {}

  /** A publish waiting for a free in-flight slot. */
  private record PendingPublish(
      String topic,
      byte[] payload,
      int qos,
      boolean retained,
      String contentType,
      Promise<Void> promise) {}

  /**
   * Thrown by {@link #pahoPublish} when the client's in-flight window is full; nothing was sent.
   */
  static final class InflightFull extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InflightFull() {
      super("in-flight window full", null, false, false);
    }
  }

  /**
   * Thrown by {@link #pahoPublish} when the client is not connected (the connection dropped since
   * the caller looked); nothing was sent.
   */
  static final class NotConnected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotConnected() {
      super("not connected", null, false, false);
    }
  }

  final Vertx vertx;
  final MqttOptions options;
  private final Context context;
  private final ReconnectBackoff backoff;
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final Promise<Void> closedPromise = Promise.promise();
  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong losses = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong offlineOverflows = new AtomicLong();
  // publishes wait here, in order, while the in-flight window (the broker's Receive Maximum on
  // MQTT 5, maxInflight on 3.1.1) is full, and while the connection is down (the offline buffer:
  // Paho's own disconnected buffer works only with Paho's automatic reconnect, which this class
  // replaces with its backoff loop)
  private final Deque<PendingPublish> waiting = new ConcurrentLinkedDeque<>();
  private final AtomicInteger waitingCount = new AtomicInteger();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();

  private volatile boolean ready;
  private volatile boolean closed;
  // confined to the context
  private Promise<Void> firstConnect;
  private int attempt;
  private long reconnectTimer = -1;

  PahoConnection(Vertx vertx, MqttOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.context = vertx.getOrCreateContext();
    this.backoff =
        new ReconnectBackoff(
            options.reconnectInitialDelay(),
            options.reconnectMaxDelay(),
            () -> ThreadLocalRandom.current().nextDouble());
  }

  /** Sends CONNECT; completes on CONNACK, fails with the client library's exception. */
  abstract Future<Void> pahoConnect();

  /** Sends one SUBSCRIBE for all of {@code subs}; fails when the broker rejects any of them. */
  abstract Future<Void> pahoSubscribe(List<Subscription> subs);

  /**
   * Sends PUBLISH; completes when written (QoS 0) or acknowledged (QoS 1).
   *
   * @throws InflightFull when the in-flight window is full, before sending anything
   * @throws NotConnected when the client is not connected, before sending anything
   */
  abstract Future<Void> pahoPublish(
      String topic, byte[] payload, int qos, boolean retained, String contentType);

  abstract boolean pahoConnected();

  abstract Future<Void> pahoDisconnect();

  /** Frees the client; returns false when it could not be closed yet (a connect in flight). */
  abstract boolean pahoClose();

  @Override
  public String serverUri() {
    return options.serverUri();
  }

  @Override
  public Future<Void> connect() {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(
        v -> {
          if (closed) {
            promise.fail(closedException("connect"));
          } else if (firstConnect != null) {
            firstConnect.future().onComplete(promise);
          } else {
            firstConnect = promise;
            onContext(pahoConnect(), this::firstConnectDone);
          }
        });
    return promise.future();
  }

  private void firstConnectDone(AsyncResult<Void> ar) {
    if (ar.failed()) {
      LOG.atWarn()
          .addKeyValue("broker", serverUri())
          .log("MQTT connect failed: broker={} reason={}", serverUri(), describe(ar.cause()));
      firstConnect.fail(
          new MqttConnectionException(
              "Cannot connect to MQTT broker " + serverUri() + ": " + describe(ar.cause()),
              ar.cause()));
    } else {
      connected(false).onComplete(firstConnect);
    }
  }

  /** Counts the connection, restores the subscriptions, then reports ready. */
  private Future<Void> connected(boolean reconnect) {
    if (closed) {
      onContext(pahoDisconnect(), done -> pahoClose());
      return Future.failedFuture(closedException("connect"));
    }
    connects.incrementAndGet();
    if (reconnect) {
      reconnects.incrementAndGet();
    }
    int attempts = attempt;
    attempt = 0;
    LOG.atInfo()
        .addKeyValue("broker", serverUri())
        .addKeyValue("attempt", attempts)
        .log(
            "MQTT {}: broker={} clientId={} attempt={}",
            reconnect ? "reconnected" : "connected",
            serverUri(),
            options.clientId(),
            attempts);
    Promise<Void> restored = Promise.promise();
    restoreSubscriptions(1, restored);
    // what waited in the offline buffer goes out now, in order, before anything newer
    return restored.future().onComplete(ar -> drain());
  }

  /**
   * Sends every recorded subscription again; until the broker accepted them the connection is not
   * ready, and a refusal is retried with the reconnect backoff while the connection stays up.
   */
  private void restoreSubscriptions(int round, Promise<Void> restored) {
    List<Subscription> subs = new ArrayList<>(subscriptions.values());
    Future<Void> sent = subs.isEmpty() ? Future.succeededFuture() : pahoSubscribe(subs);
    onContext(
        sent,
        ar -> {
          if (ar.succeeded() || closed || !pahoConnected()) {
            ready = ar.succeeded() && pahoConnected();
            restored.tryComplete();
            return;
          }
          ready = false;
          long delay = backoff.delayMillis(round);
          LOG.atWarn()
              .addKeyValue("broker", serverUri())
              .addKeyValue("delayMs", delay)
              .log(
                  "MQTT subscriptions not restored: broker={} filters={} reason={}; retrying in {} ms",
                  serverUri(),
                  subscriptions.keySet(),
                  describe(ar.cause()),
                  delay);
          restored.tryComplete(); // the connection is up; readiness follows the retry
          vertx.setTimer(delay, id -> restoreSubscriptions(round + 1, Promise.promise()));
        });
  }

  /** Called by subclasses on Paho's thread when the connection drops. */
  final void onConnectionLost(Throwable cause) {
    context.runOnContext(
        v -> {
          ready = false;
          if (closed) {
            return;
          }
          losses.incrementAndGet();
          scheduleReconnect(cause);
        });
  }

  private void scheduleReconnect(Throwable cause) {
    attempt++;
    long delay = backoff.delayMillis(attempt);
    LOG.atWarn()
        .addKeyValue("broker", serverUri())
        .addKeyValue("attempt", attempt)
        .addKeyValue("delayMs", delay)
        .log(
            "MQTT {}: broker={} attempt={} delayMs={} reason={}",
            attempt == 1 ? "connection lost, reconnecting" : "reconnect failed, retrying",
            serverUri(),
            attempt,
            delay,
            describe(cause));
    reconnectTimer =
        vertx.setTimer(
            delay,
            id -> {
              reconnectTimer = -1;
              if (!closed) {
                onContext(
                    pahoConnect(),
                    ar -> {
                      if (ar.succeeded()) {
                        connected(true);
                      } else if (!closed) {
                        scheduleReconnect(ar.cause());
                      }
                    });
              }
            });
  }

  @Override
  public Future<Void> subscribe(String filter, int qos, MessageHandler handler) {
    Subscription sub;
    try {
      sub = new Subscription(TopicFilters.checkFilter(filter), checkQos(qos), handler);
      if (handler == null) {
        throw new IllegalArgumentException("handler must not be null");
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (closed) {
      return Future.failedFuture(closedException("subscribe to '" + filter + "'"));
    }
    subscriptions.put(filter, sub);
    if (!pahoConnected()) {
      return Future.succeededFuture(); // sent with the others when the connection is (re)made
    }
    return pahoSubscribe(List.of(sub))
        .recover(
            e -> {
              subscriptions.remove(filter, sub);
              return Future.failedFuture(
                  new MqttConnectionException(
                      "MQTT broker "
                          + serverUri()
                          + " did not take subscription '"
                          + filter
                          + "': "
                          + describe(e),
                      e));
            });
  }

  @Override
  public Future<Void> publish(
      String topic, byte[] payload, int qos, boolean retained, String contentType) {
    try {
      TopicFilters.checkTopic(topic);
      checkQos(qos);
      if (payload == null) {
        throw new IllegalArgumentException("payload must not be null");
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (closed) {
      return Future.failedFuture(closedException("publish to '" + topic + "'"));
    }
    boolean connected = pahoConnected();
    if (!connected && options.offlineBuffer() == 0) {
      return Future.failedFuture(
          new MqttConnectionException(
              "Cannot publish to '"
                  + topic
                  + "': not connected to MQTT broker "
                  + serverUri()
                  + " (never connected, or reconnecting; offlineBuffer is 0)"));
    }
    // while disconnected only the offline buffer may fill; once connected it drains through the
    // in-flight window, so both together bound what waits
    int limit =
        connected ? options.maxInflight() + options.offlineBuffer() : options.offlineBuffer();
    if (waitingCount.incrementAndGet() > limit) {
      waitingCount.decrementAndGet();
      if (!connected) {
        offlineOverflows.incrementAndGet();
      }
      return Future.failedFuture(
          new MqttConnectionException(
              "Cannot publish to '"
                  + topic
                  + "': "
                  + limit
                  + " publishes already wait for the broker "
                  + serverUri()
                  + (connected
                      ? " (maxInflight + offlineBuffer)"
                      : ", which is unreachable (offlineBuffer)")));
    }
    Promise<Void> promise = Promise.promise();
    waiting.add(new PendingPublish(topic, payload, qos, retained, contentType, promise));
    drain();
    return promise
        .future()
        .map(
            v -> {
              published.incrementAndGet();
              return (Void) null;
            })
        .recover(
            e ->
                Future.failedFuture(
                    new MqttConnectionException(
                        "Publish to '" + topic + "' on " + serverUri() + " failed: " + describe(e),
                        e)));
  }

  /**
   * Sends waiting publishes in order until the in-flight window is full; while disconnected they
   * stay (the reconnect drains them).
   */
  private synchronized void drain() {
    PendingPublish p;
    while (!closed && pahoConnected() && (p = waiting.pollFirst()) != null) {
      PendingPublish sent = p;
      try {
        pahoPublish(p.topic(), p.payload(), p.qos(), p.retained(), p.contentType())
            .onComplete(
                ar -> {
                  sent.promise().handle(ar);
                  drain();
                });
      } catch (InflightFull full) {
        waiting.offerFirst(p);
        // a completing publish drains again; the timer covers a completion that came before
        // Paho freed its slot
        if (drainScheduled.compareAndSet(false, true)) {
          vertx.setTimer(
              5,
              id -> {
                drainScheduled.set(false);
                drain();
              });
        }
        return;
      } catch (NotConnected offline) {
        waiting.offerFirst(p);
        return;
      } catch (RuntimeException e) {
        // anything else fails this publish alone (counted by its caller) and frees its place
        sent.promise().tryFail(e);
      }
      waitingCount.decrementAndGet();
    }
  }

  /** Fails the publishes still waiting for an in-flight slot: nothing will send them now. */
  private synchronized void failWaitingPublishes() {
    PendingPublish p;
    while ((p = waiting.pollFirst()) != null) {
      p.promise().tryFail(closedException("publish to '" + p.topic() + "'"));
      waitingCount.decrementAndGet();
    }
  }

  /** Called by subclasses on Paho's callback thread: routes by the original filters. */
  final void route(String topic, byte[] payload, int qos, String contentType) {
    long nanos = System.nanoTime();
    Instant now = Instant.now();
    long epochMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    InboundMessage message =
        new InboundMessage(
            topic, payload, qos, Optional.ofNullable(contentType), nanos, epochMicros);
    received.incrementAndGet();
    for (Subscription sub : subscriptions.values()) {
      if (TopicFilters.matches(sub.filter(), topic)) {
        try {
          sub.handler().onMessage(message);
        } catch (RuntimeException e) {
          // a throwing handler would make Paho drop the connection; keep it up for the others
          LOG.atError()
              .addKeyValue("topic", topic)
              .setCause(e)
              .log("MQTT message handler failed: topic={} filter={}", topic, sub.filter());
        }
      }
    }
  }

  @Override
  public boolean isConnected() {
    return ready && !closed && pahoConnected();
  }

  @Override
  public Future<Void> disconnect() {
    context.runOnContext(
        v -> {
          if (closed) {
            return;
          }
          closed = true;
          ready = false;
          if (reconnectTimer >= 0) {
            vertx.cancelTimer(reconnectTimer);
            reconnectTimer = -1;
          }
          Future<Void> sent = pahoConnected() ? pahoDisconnect() : Future.succeededFuture();
          onContext(
              sent,
              ar -> {
                if (ar.failed()) {
                  LOG.debug(
                      "MQTT disconnect was not clean: broker={} reason={}",
                      serverUri(),
                      describe(ar.cause()));
                }
                if (!pahoClose()) {
                  LOG.debug("MQTT client closes after its connect attempt: {}", serverUri());
                }
                failWaitingPublishes();
                LOG.atInfo()
                    .addKeyValue("broker", serverUri())
                    .log("MQTT disconnected: broker={}", serverUri());
                closedPromise.tryComplete();
              });
        });
    return closedPromise.future();
  }

  @Override
  public MqttStats stats() {
    return new MqttStats(
        connects.get(),
        reconnects.get(),
        losses.get(),
        received.get(),
        published.get(),
        pahoConnected() ? 0 : waitingCount.get(),
        offlineOverflows.get());
  }

  private <T> void onContext(Future<T> future, Handler<AsyncResult<T>> handler) {
    future.onComplete(ar -> context.runOnContext(v -> handler.handle(ar)));
  }

  private MqttConnectionException closedException(String what) {
    return new MqttConnectionException(
        "Cannot " + what + ": the connection to " + serverUri() + " is closed");
  }

  private static int checkQos(int qos) {
    if (qos != 0 && qos != 1) {
      throw new IllegalArgumentException("qos " + qos + " is not supported: expected 0 or 1");
    }
    return qos;
  }

  /** The messages along a cause chain, for a one-line reason. */
  static String describe(Throwable error) {
    StringBuilder reason = new StringBuilder();
    for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
      String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
      if (reason.indexOf(message) < 0) {
        reason.append(reason.length() == 0 ? "" : ": ").append(message);
      }
    }
    return reason.toString();
  }
}
