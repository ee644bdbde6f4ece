package io.isthmus.sim.fleet;

import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.protocol.mqtt.GatewayChannel;
import io.isthmus.protocol.mqtt.MqttTopics;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.GatewayEventKind;
import io.isthmus.protocol.v1.Health;
import io.isthmus.protocol.v1.PipelineStatus;
import io.isthmus.protocol.v1.ReportedState;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated gateway: its own MQTT connection (client id = gateway id, a retained last will on
 * {@code reported} that says it is offline), the desired state it follows, and the reported state
 * and events it publishes, as the real agent's model sync does, without loading any model. Every
 * field is touched on the gateway's own Vert.x context only.
 */
final class SimulatedGateway {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedGateway.class);
  static final String OFFLINE = "offline: the gateway's connection to the broker was lost";
  static final String STOPPED = "offline: the gateway stopped";

  private final GatewayProfile profile;
  private final FleetOptions options;
  private final Vertx vertx;
  private final Context context;
  private final PackageFetch fetch;
  private final FleetCounters counters;
  private final String desiredTopic;
  private final String reportedTopic;
  private final String eventsTopic;
  private final long startedUs = nowMicros();
  private final Map<String, String> refused = new HashMap<>();

  private MqttClient client;
  private volatile ActiveVersion active;
  private ActiveVersion previous;
  private String installedVersion;
  private String lastError;
  private long observedGeneration;
  private DesiredState target;
  private long targetReceivedNanos;
  private String fetching;
  private boolean retryPending;
  private boolean silent;
  private boolean stopping;
  private boolean wasConnected;
  private boolean up;
  private long beatTimer = -1;
  private long pingTimer = -1;

  SimulatedGateway(
      GatewayProfile profile,
      FleetOptions options,
      Vertx vertx,
      Context context,
      PackageFetch fetch,
      FleetCounters counters) {
    this.profile = profile;
    this.options = options;
    this.vertx = vertx;
    this.context = context;
    this.fetch = fetch;
    this.counters = counters;
    MqttTopics topics = MqttTopics.defaults();
    this.desiredTopic = topics.gateway(profile.id(), GatewayChannel.DESIRED);
    this.reportedTopic = topics.gateway(profile.id(), GatewayChannel.REPORTED);
    this.eventsTopic = topics.gateway(profile.id(), GatewayChannel.EVENTS);
    String version = options.initialVersion();
    this.installedVersion = version;
    this.active = figures("", version, false);
  }

  String id() {
    return profile.id();
  }

  GatewayProfile profile() {
    return profile;
  }

  /** The version served now (read from any thread). */
  String activeVersion() {
    return active.version();
  }

  /**
   * Connects, subscribes to the desired topic and publishes the first report.
   *
   * @return fails when the broker refuses or cannot be reached
   */
  Future<Void> start() {
    Promise<Void> started = Promise.promise();
    context.runOnContext(
        v -> {
          connect().onComplete(started);
          long spread = ThreadLocalRandom.current().nextLong(options.heartbeat().toMillis()) + 1;
          vertx.setTimer(
              spread,
              id -> beatTimer = vertx.setPeriodic(options.heartbeat().toMillis(), t -> beat()));
          long ping = Math.max(500, options.keepAlive().toMillis() / 2);
          pingTimer = vertx.setPeriodic(ping, t -> ping());
        });
    return started.future();
  }

  /** Stops publishing and pinging without a DISCONNECT, so the broker sends the last will. */
  void goSilent() {
    context.runOnContext(
        v -> {
          silent = true;
          counters.wentSilent.increment();
          LOG.debug("gateway={} falls silent", profile.id());
        });
  }

  /** Publishes an offline report, disconnects cleanly and cancels the timers. */
  Future<Void> stop() {
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(
        v -> {
          stopping = true;
          vertx.cancelTimer(beatTimer);
          vertx.cancelTimer(pingTimer);
          MqttClient c = client;
          if (c == null || !c.isConnected() || silent) {
            stopped.complete();
            return;
          }
          c.publish(
                  reportedTopic,
                  Buffer.buffer(offlineReport(STOPPED).toByteArray()),
                  MqttQoS.AT_LEAST_ONCE,
                  false,
                  true)
              .transform(ar -> c.disconnect())
              .onComplete(ar -> stopped.complete());
        });
    return stopped.future();
  }

  private Future<Void> connect() {
    MqttClientOptions o = new MqttClientOptions();
    o.setClientId(profile.id())
        .setCleanSession(true)
        .setKeepAliveInterval((int) Math.max(1, options.keepAlive().toSeconds()))
        .setAutoKeepAlive(false) // pinged by hand, so that a silent gateway can stop
        .setWillFlag(true)
        .setWillTopic(reportedTopic)
        .setWillMessageBytes(Buffer.buffer(offlineReport(OFFLINE).toByteArray()))
        .setWillQoS(1)
        .setWillRetain(true)
        .setMaxInflightQueue(1_000);
    o.setConnectTimeout(10_000);
    o.setTcpNoDelay(true);
    MqttClient c = MqttClient.create(vertx, o);
    client = c;
    c.publishHandler(message -> desired(message.payload().getBytes()));
    c.closeHandler(v -> closed(c));
    return c.connect(options.port(), options.host())
        .compose(ack -> c.subscribe(desiredTopic, 1))
        .map(
            granted -> {
              up = true;
              counters.connected.incrementAndGet();
              if (!wasConnected) {
                wasConnected = true;
                counters.everConnected.incrementAndGet();
              }
              report();
              return (Void) null;
            })
        .onFailure(
            e -> {
              counters.connectFailures.increment();
              LOG.warn("gateway={} cannot connect: {}", profile.id(), e.toString());
              if (c == client) {
                c.disconnect(); // a refused CONNECT or SUBSCRIBE may leave the socket open
                reconnectLater();
              }
            });
  }

  private void closed(MqttClient c) {
    if (c != client) {
      return;
    }
    if (up) {
      up = false;
      counters.connected.decrementAndGet();
      reconnectLater();
    }
  }

  /** After a lost link or a failed attempt: again after a jittered pause, as a real agent would. */
  private void reconnectLater() {
    if (stopping || silent) {
      return;
    }
    long delay = 1_000 + ThreadLocalRandom.current().nextLong(2_000);
    vertx.setTimer(
        delay,
        id -> {
          if (!stopping && !silent) {
            counters.reconnects.increment();
            connect();
          }
        });
  }

  private void ping() {
    if (!silent && client != null && client.isConnected()) {
      client.ping();
    }
  }

  private void beat() {
    if (retryPending && target != null && fetching == null) {
      reconcile();
    }
    report();
  }

  /** A desired state arrived (retained on subscribe, or a change). */
  private void desired(byte[] payload) {
    if (silent || stopping || payload.length == 0) {
      return; // an empty payload clears a retained message: nothing to do
    }
    counters.desiredReceived.increment();
    if (profile.stuck()) {
      counters.desiredIgnoredByStuck.increment();
      return;
    }
    DesiredState state;
    try {
      state = DesiredState.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      counters.desiredRejected.increment();
      lastError = "malformed_desired: the desired state is not a DesiredState: " + e.getMessage();
      LOG.warn("gateway={} {}", profile.id(), lastError);
      report();
      return;
    }
    if (target != null && state.getGeneration() < target.getGeneration()) {
      counters.desiredRejected.increment();
      LOG.debug(
          "gateway={} ignored desired generation {}: {} is newer",
          profile.id(),
          state.getGeneration(),
          target.getGeneration());
      return;
    }
    if (target == null || state.getGeneration() > target.getGeneration()) {
      targetReceivedNanos = System.nanoTime();
    }
    target = state;
    if (fetching == null) {
      reconcile();
    } // else: the fetch in progress reconciles the newest target when it ends
  }

  private void reconcile() {
    DesiredState goal = target;
    retryPending = false;
    String unknown = null;
    for (String pipeline : goal.getPipelinesMap().keySet()) {
      if (!pipeline.equals(options.pipeline())) {
        unknown = "unknown_pipeline: no pipeline " + pipeline + " here";
      }
    }
    DesiredModel want = goal.getPipelinesMap().get(options.pipeline());
    if (want == null) {
      observed(goal, unknown);
      return;
    }
    String key = want.getModelName() + "@" + want.getModelVersion() + "#" + want.getSha256();
    if (key.equals(active.key()) || refused.containsKey(key)) {
      observed(goal, unknown);
      return;
    }
    fetching = key;
    long generation = goal.getGeneration();
    event(
        generation,
        GatewayEventKind.GATEWAY_EVENT_KIND_DOWNLOAD_STARTED,
        want.getModelName() + " " + want.getModelVersion() + " from " + want.getDownloadUrl());
    String unknownPipeline = unknown;
    fetch
        .fetch(want)
        .onComplete(
            ar -> {
              fetching = null;
              if (silent || stopping) {
                return;
              }
              if (ar.succeeded()) {
                install(generation, key, want, ar.result());
              } else {
                refuse(generation, key, ar.cause());
              }
              if (target.getGeneration() != generation) {
                reconcile(); // a newer desired state arrived meanwhile
              } else {
                observed(goal, unknownPipeline);
              }
            });
  }

  private void install(long generation, String key, DesiredModel want, VerifiedPackage pkg) {
    event(generation, GatewayEventKind.GATEWAY_EVENT_KIND_VERIFIED, "signed by key " + pkg.keyId());
    installedVersion = pkg.version();
    event(generation, GatewayEventKind.GATEWAY_EVENT_KIND_INSTALLED, pkg.version());
    boolean faulty = faultyFor(pkg.version());
    FaultPlan plan = options.fault().orElse(null);
    if (faulty && plan.mode() == FaultMode.LOAD) {
      String reason =
          "load_failed: "
              + pkg.name()
              + " "
              + pkg.version()
              + " does not load: the simulated engine refused it";
      refused.put(key, reason);
      lastError = reason;
      counters.failure(reason);
      event(generation, GatewayEventKind.GATEWAY_EVENT_KIND_FAILED, reason);
      return;
    }
    previous = active;
    active = figures(key, pkg.version(), faulty);
    lastError = null;
    counters.adopted(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - targetReceivedNanos));
    event(generation, GatewayEventKind.GATEWAY_EVENT_KIND_ACTIVATED, pkg.version());
    if (faulty && options.rollbackAfter().isPresent()) {
      ActiveVersion bad = active;
      vertx.setTimer(
          Math.max(1, options.rollbackAfter().get().toMillis()),
          id -> rollback(generation, bad, plan));
    }
  }

  private void refuse(long generation, String key, Throwable cause) {
    String reason;
    boolean retry;
    if (cause instanceof FetchFailure f) {
      reason = f.reason();
      retry = f.transientFailure();
    } else {
      reason = FetchFailure.DOWNLOAD_FAILED + ": " + cause;
      retry = true;
    }
    lastError = reason;
    counters.failure(reason);
    event(generation, GatewayEventKind.GATEWAY_EVENT_KIND_FAILED, reason);
    if (retry) {
      retryPending = true;
    } else {
      refused.put(key, reason);
    }
  }

  private void rollback(long generation, ActiveVersion bad, FaultPlan plan) {
    if (silent || stopping || active != bad || previous == null) {
      return;
    }
    String reason =
        plan.mode() == FaultMode.ERRORS
            ? "error_rate: "
                + bad.version()
                + " failed "
                + Math.round(bad.errorRate() * 100)
                + "% of its runs"
            : "latency: " + bad.version() + " ran at p95 " + bad.p95Us() / 1000 + " ms";
    refused.put(bad.key(), reason);
    active = figures(previous.key(), previous.version(), faultyFor(previous.version()));
    previous = null;
    lastError = reason;
    counters.failure(reason);
    event(
        generation,
        GatewayEventKind.GATEWAY_EVENT_KIND_ROLLED_BACK,
        bad.version() + " -> " + active.version() + ": " + reason);
    report();
  }

  private boolean faultyFor(String version) {
    return profile.faulty() && options.fault().map(f -> f.matches(version)).orElse(false);
  }

  private ActiveVersion figures(String key, String version, boolean faulty) {
    return ActiveVersion.of(
        key, version, nowMicros(), profile, faulty ? options.fault().orElse(null) : null);
  }

  private void observed(DesiredState goal, String unknownPipeline) {
    observedGeneration = goal.getGeneration();
    if (unknownPipeline != null) {
      lastError = unknownPipeline;
    }
    report();
  }

  /** The state reported now. */
  ReportedState reported() {
    long now = nowMicros();
    Health health = lastError == null ? Health.HEALTH_OK : Health.HEALTH_DEGRADED;
    PipelineStatus.Builder status =
        PipelineStatus.newBuilder()
            .setModelName(options.model())
            .setInstalledVersion(installedVersion)
            .setActiveVersion(active.version())
            .setHealth(health)
            .setUpdatedAtUs(now)
            .setStats(active.stats(now, options.health().runsPerSecond()));
    ReportedState.Builder report = identity(now).setObservedGeneration(observedGeneration);
    if (lastError != null) {
      status.setLastError(lastError);
      report.setLastError(lastError);
    }
    return report.putPipelines(options.pipeline(), status.build()).setHealth(health).build();
  }

  /** What the last will (and a clean stop) says: who the gateway is and that it is gone. */
  private ReportedState offlineReport(String why) {
    return identity(nowMicros()).setHealth(Health.HEALTH_FAILING).setLastError(why).build();
  }

  private ReportedState.Builder identity(long nowUs) {
    return ReportedState.newBuilder()
        .setGatewayId(profile.id())
        .setReportedAtUs(nowUs)
        .setStartedAtUs(startedUs)
        .putAllLabels(profile.labels())
        .setPlatform(options.platform())
        .setAgentVersion(options.agentVersion());
  }

  private void report() {
    if (publish(reportedTopic, reported().toByteArray(), true)) {
      counters.reports.increment();
    }
  }

  private void event(long generation, GatewayEventKind kind, String message) {
    counters.event(kind);
    GatewayEvent event =
        GatewayEvent.newBuilder()
            .setGatewayId(profile.id())
            .setGeneration(generation)
            .setPipeline(options.pipeline())
            .setKind(kind)
            .setMessage(message)
            .setTimestampUs(nowMicros())
            .build();
    publish(eventsTopic, event.toByteArray(), false);
  }

  /** Returns false when there is no connection (the next report is complete, nothing queues). */
  private boolean publish(String topic, byte[] payload, boolean retained) {
    MqttClient c = client;
    if (silent || c == null || !c.isConnected()) {
      return false;
    }
    c.publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, retained)
        .onFailure(
            e -> {
              counters.publishFailures.increment();
              LOG.debug("gateway={} publish to {} failed: {}", profile.id(), topic, e.toString());
            });
    return true;
  }

  static long nowMicros() {
    return TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
  }
}
