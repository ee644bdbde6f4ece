package io.isthmus.agent.sync;

import io.isthmus.agent.AgentVersion;
import io.isthmus.agent.config.ConfigException;
import io.isthmus.agent.config.PipelineConfig;
import io.isthmus.agent.config.SyncConfig;
import io.isthmus.agent.ingest.MqttConnection;
import io.isthmus.agent.pipeline.Pipeline;
import io.isthmus.agent.pipeline.PipelineFactory;
import io.isthmus.agent.pipeline.ResultSink;
import io.isthmus.agent.sync.SyncState.Installed;
import io.isthmus.inference.Engines;
import io.isthmus.inference.InferenceEngine;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.store.ModelStore;
import io.isthmus.protocol.manifest.ManifestException;
import io.isthmus.protocol.manifest.TrustedKeys;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.GatewayEventKind;
import io.isthmus.protocol.v1.Health;
import io.isthmus.protocol.v1.ModelFormat;
import io.isthmus.protocol.v1.PipelineStats;
import io.isthmus.protocol.v1.PipelineStatus;
import io.isthmus.protocol.v1.ReportedState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model sync: drives each pipeline's model toward the desired state (retained MQTT message on
 * {@code isthmus/v1/gateways/{id}/desired} and/or a local file), offline first.
 *
 * <pre>
 *  desired (MQTT | file) --cache desired.pb--> reconcile (one sync thread):
 *    fetch PKG to staging/ (resume, retry) -> verify hash, key, platform -> store.put(file, sha256)
 *    -> load from store -> bind + warm up -> swap (old closes after its runs) -> state.json
 *    -> watch window: error rate / p99 over bound -> roll back to the previous version
 *  every change and every heartbeat -> reported (retained); progress -> events (via the outbox)
 * </pre>
 *
 * <p>At start-up each pipeline's model comes from the store (the version last activated, per {@code
 * state.json}) without any network; the configured model file is the fallback for a pipeline that
 * never synced. Refusals (a bad signature, a tampered file, another platform, a model that fails to
 * load or misbehaves) are remembered so that the same desired version is not tried again; download
 * failures are retried on every watch tick.
 */
public final class ModelSync implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelSync.class);
  // the key of errors about the desired state itself, beside per-pipeline ones
  private static final String DESIRED_ERROR = "(desired)";

  private final Vertx vertx;
  private final String gatewayId;
  private final Map<String, String> labels;
  private final SyncConfig config;
  private final TrustedKeys trusted;
  private final ModelStore store;
  private final SyncState state;
  private final PackageInstaller installer;
  private final FleetTopics topics;
  private final FleetReporter reporter;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Map<String, String> lastErrors = new ConcurrentHashMap<>();
  private final ExecutorService thread;
  private final long startedUs = FleetReporter.nowMicros();
  private final DesiredStates desired;
  private volatile boolean retryPending;
  private volatile long timer = -1;
  private volatile long heartbeat = -1;

  /** A pipeline and the model sync swaps in it. */
  private record Slot(
      PipelineConfig config, SwappableModel model, AtomicReference<Pipeline> pipeline) {}

  private ModelSync(Vertx vertx, String gatewayId, Map<String, String> labels, SyncConfig config)
      throws IOException {
    this.vertx = vertx;
    this.gatewayId = gatewayId;
    this.labels = Map.copyOf(labels);
    this.config = config;
    try {
      this.trusted = TrustedKeys.load(config.trustedKeys());
    } catch (ManifestException e) {
      throw new ConfigException("sync.trustedKeys", e.getMessage(), e);
    }
    Files.createDirectories(config.dir());
    this.store = ModelStore.open(config.dir().resolve("store"));
    this.state = SyncState.load(config.dir().resolve("state.json"));
    this.installer =
        new PackageInstaller(
            store,
            new PackageFetcher(config.download()),
            trusted,
            config.platform(),
            config.dir().resolve("staging"));
    this.topics = new FleetTopics(config.transport(), gatewayId);
    this.reporter = new FleetReporter(gatewayId, topics);
    this.desired = DesiredStates.open(config.dir().resolve("desired.pb"), config.desiredFile());
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "isthmus-sync");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Opens the sync folder, its store and state, and the trusted keys. Blocks.
   *
   * @param labels the gateway's labels, reported with every state
   * @throws ConfigException when the trusted keys cannot be read or the folder cannot be used
   */
  public static ModelSync open(
      Vertx vertx, String gatewayId, Map<String, String> labels, SyncConfig config) {
    try {
      return new ModelSync(vertx, gatewayId, labels, config);
    } catch (IOException e) {
      throw new ConfigException("sync.dir", config.dir() + " cannot be used: " + e, e);
    }
  }

  /**
   * The model a pipeline starts with: the version last activated, loaded from the store (no network
   * needed), else the configured file. Blocks for the load.
   *
   * @throws ConfigException when neither loads
   */
  public LoadedModel model(PipelineConfig pipeline) {
    Optional<Installed> active = state.pipeline(pipeline.name()).activeVersion();
    LoadedModel model = null;
    String version = pipeline.model().version();
    if (active.isPresent()) {
      try {
        model = load(pipeline, active.get());
        version = active.get().version();
        LOG.info("pipeline={} version={} loaded from the store", pipeline.name(), version);
      } catch (SyncException e) {
        lastErrors.put(pipeline.name(), e.reason());
        LOG.warn(
            "pipeline={} stored version does not load, serving the configured model: {}",
            pipeline.name(),
            e.reason());
      }
    }
    if (model == null) {
      model = PipelineFactory.load(pipeline);
    }
    SwappableModel swappable = new SwappableModel(model, version);
    slots.put(pipeline.name(), new Slot(pipeline, swappable, new AtomicReference<>()));
    return swappable;
  }

  /** Registers the pipeline built around {@link #model}'s model, so its model can be swapped. */
  public void attach(Pipeline pipeline) {
    Slot slot = slots.get(pipeline.name());
    if (slot == null) {
      throw new IllegalStateException("no model was made for pipeline " + pipeline.name());
    }
    slot.pipeline().set(pipeline);
    slot.model().restartCounting(); // the figures count events, not the warm-up run
  }

  /**
   * Starts reconciling: subscribes to the desired topic on {@code mqtt}, watches the desired file,
   * reconciles the cached desired state at once, and reports the state every {@code heartbeat}.
   * Fails when the subscription fails.
   *
   * @param events where progress events go instead of straight to MQTT (the outbox); null for MQTT
   */
  public Future<Void> start(MqttConnection mqtt, ResultSink events) {
    reporter.connect(mqtt);
    // the outbox keys events by the Isthmus events topic; Hono's event topic goes straight out
    if (events != null && topics.transport() == SyncConfig.Transport.MQTT) {
      reporter.eventsThrough(events);
    }
    submit(() -> reconcile(desired.current()));
    timer = vertx.setPeriodic(config.watchInterval().toMillis(), id -> submit(this::tick));
    // not on the sync thread: a long download must not silence the gateway
    heartbeat = vertx.setPeriodic(config.heartbeat().toMillis(), id -> heartbeat());
    return mqtt.subscribe(
        topics.desiredFilter(),
        1,
        message -> {
          if (topics.isDesired(message.topic())) {
            submit(() -> received(message.payload(), message.topic()));
          } else {
            LOG.debug("sync ignored a message on {}", message.topic());
          }
        });
  }

  private void heartbeat() {
    vertx.executeBlocking(
        () -> {
          reporter.report(reported());
          return null;
        },
        false);
  }

  /** The state reported now; thread-safe. */
  public ReportedState reported() {
    ReportedState.Builder report =
        ReportedState.newBuilder()
            .setGatewayId(gatewayId)
            .setObservedGeneration(state.observedGeneration())
            .setReportedAtUs(FleetReporter.nowMicros())
            .setStartedAtUs(startedUs)
            .putAllLabels(labels)
            .setPlatform(config.platform())
            .setAgentVersion(AgentVersion.current());
    Health worst = Health.HEALTH_OK;
    for (Slot slot : slots.values()) {
      String name = slot.config().name();
      SyncState.Pipeline p = state.pipeline(name);
      String error = lastErrors.get(name);
      Health health = error == null ? Health.HEALTH_OK : Health.HEALTH_DEGRADED;
      var status =
          PipelineStatus.newBuilder()
              .setModelName(
                  p.activeVersion().map(Installed::model).orElse(slot.config().model().name()))
              .setActiveVersion(slot.model().version())
              .setInstalledVersion(
                  p.installed().isEmpty() ? slot.model().version() : p.installed().get(0).version())
              .setHealth(health)
              .setUpdatedAtUs(FleetReporter.nowMicros())
              .setStats(stats(slot.model()));
      if (error != null) {
        status.setLastError(error);
        report.setLastError(error);
        worst = health;
      }
      report.putPipelines(name, status.build());
    }
    // errors about no pipeline of ours (a malformed desired state, an unknown pipeline name)
    lastErrors.forEach(
        (key, error) -> {
          if (!slots.containsKey(key)) {
            report.setLastError(error);
          }
        });
    if (report.hasLastError() && worst == Health.HEALTH_OK) {
      worst = Health.HEALTH_DEGRADED;
    }
    return report.setHealth(worst).build();
  }

  /** What the serving version did since it became active. */
  private static PipelineStats stats(SwappableModel model) {
    String version = model.version();
    RunWindow runs = model.runs();
    return PipelineStats.newBuilder()
        .setModelVersion(version)
        .setRuns(runs.runs())
        .setErrors(runs.errors())
        .setP50Us(TimeUnit.NANOSECONDS.toMicros(runs.percentileNanos(0.50)))
        .setP95Us(TimeUnit.NANOSECONDS.toMicros(runs.percentileNanos(0.95)))
        .setSinceUs(runs.sinceUs())
        .build();
  }

  private void submit(Runnable work) {
    if (thread.isShutdown()) {
      return; // a timer that fired as the agent stopped
    }
    thread.execute(
        () -> {
          try {
            work.run();
          } catch (RuntimeException e) {
            // the sync thread must outlive one bad desired state
            LOG.error("sync step failed", e);
          }
        });
  }

  private void received(byte[] payload, String source) {
    Optional<DesiredState> next;
    try {
      next = desired.accept(payload, source);
    } catch (SyncException e) {
      LOG.warn("sync ignored {}", e.getMessage());
      lastErrors.put(DESIRED_ERROR, e.reason());
      reporter.report(reported());
      return;
    }
    lastErrors.remove(DESIRED_ERROR);
    next.ifPresent(this::reconcile);
  }

  private void tick() {
    Optional<byte[]> changed = desired.changedFile();
    if (changed.isPresent()) {
      received(changed.get(), desired.fileName());
    } else if (retryPending) {
      reconcile(desired.current());
    } else {
      reporter.flush();
    }
  }

  /** Runs on the sync thread. */
  private void reconcile(DesiredState target) {
    lastErrors.keySet().removeIf(k -> !slots.containsKey(k) && !k.equals(DESIRED_ERROR));
    boolean retry = false;
    for (Map.Entry<String, DesiredModel> e : target.getPipelinesMap().entrySet()) {
      Slot slot = slots.get(e.getKey());
      if (slot == null || slot.pipeline().get() == null) {
        lastErrors.put(e.getKey(), "unknown_pipeline: no pipeline " + e.getKey() + " here");
        continue;
      }
      retry |= !reconcile(target.getGeneration(), slot, e.getValue());
    }
    retryPending = retry;
    try {
      state.observed(target.getGeneration());
    } catch (IOException e) {
      LOG.warn("sync could not record the observed generation: {}", e.toString());
    }
    reporter.report(reported());
  }

  /** Returns false when the step should be tried again later (a download failure). */
  private boolean reconcile(long generation, Slot slot, DesiredModel want) {
    String name = slot.config().name();
    String key = want.getModelName() + "@" + want.getModelVersion() + "#" + want.getSha256();
    SyncState.Pipeline now = state.pipeline(name);
    if (now.active().filter(key::equals).isPresent() || now.refused().containsKey(key)) {
      return true;
    }
    try {
      Optional<Installed> installed =
          now.installed().stream().filter(i -> i.key().equals(key)).findFirst();
      Installed version =
          installed.isPresent()
              ? installed.get()
              : installer.install(
                  key, want, (kind, message) -> reporter.event(generation, name, kind, message));
      lastErrors.remove(name);
      activate(generation, slot, version);
      return true;
    } catch (SyncException e) {
      lastErrors.put(name, e.reason());
      reporter.event(generation, name, GatewayEventKind.GATEWAY_EVENT_KIND_FAILED, e.reason());
      if (e.transientFailure()) {
        return false;
      }
      try {
        state.refuse(name, key, e.reason());
      } catch (IOException io) {
        LOG.warn("sync could not record the refusal: {}", io.toString());
      }
      return true;
    }
  }

  private void activate(long generation, Slot slot, Installed version) throws SyncException {
    String name = slot.config().name();
    Optional<String> previous = state.pipeline(name).active();
    LoadedModel candidate = load(slot.config(), version);
    try {
      PipelineFactory.checkReplacement(slot.pipeline().get(), slot.model().serving(), candidate);
    } catch (ConfigException e) {
      candidate.close();
      throw new SyncException(
          SyncException.LOAD_FAILED, version.version() + " does not fit: " + e.getMessage(), e);
    }
    RunWindow window = slot.model().swap(candidate, version.version());
    try {
      List<Installed> dropped = state.activate(name, version, config.keep());
      deleteUnreferenced(dropped);
    } catch (IOException e) {
      // it serves, but a restart would not find it: say so
      LOG.error("sync could not record activation of {}: {}", version.version(), e.toString());
      lastErrors.put(name, SyncException.STORE_FAILED + ": recording the activation failed: " + e);
    }
    reporter.event(
        generation, name, GatewayEventKind.GATEWAY_EVENT_KIND_ACTIVATED, version.version());
    watch(generation, slot, version, previous, window);
  }

  private void watch(
      long generation, Slot slot, Installed version, Optional<String> previous, RunWindow window) {
    vertx.setTimer(
        Math.max(1, config.rollback().window().toMillis()),
        id -> submit(() -> judge(generation, slot, version, previous, window)));
  }

  /** Runs on the sync thread at the end of a watch window. */
  private void judge(
      long generation, Slot slot, Installed version, Optional<String> previous, RunWindow window) {
    if (slot.model().runs() != window
        || state.pipeline(slot.config().name()).active().filter(version.key()::equals).isEmpty()) {
      return; // replaced since
    }
    if (window.runs() < config.rollback().minRuns()) {
      watch(generation, slot, version, previous, window);
      return;
    }
    String reason = window.verdict(config.rollback()).orElse(null);
    if (reason == null) {
      return;
    }
    rollback(generation, slot, version, previous, reason);
  }

  private void rollback(
      long generation, Slot slot, Installed bad, Optional<String> previous, String reason) {
    String name = slot.config().name();
    Optional<Installed> back =
        previous.flatMap(
            k ->
                state.pipeline(name).installed().stream()
                    .filter(i -> i.key().equals(k))
                    .findFirst());
    LoadedModel model;
    try {
      model =
          back.isPresent() ? load(slot.config(), back.get()) : PipelineFactory.load(slot.config());
    } catch (SyncException | ConfigException e) {
      LOG.error("pipeline={} cannot roll back from {}: {}", name, bad.version(), e.getMessage());
      lastErrors.put(name, reason + "; rollback failed: " + e.getMessage());
      reporter.report(reported());
      return;
    }
    String version = back.map(Installed::version).orElse(slot.config().model().version());
    lastErrors.put(name, reason); // before the swap: whoever sees the old version sees why
    slot.model().swap(model, version);
    try {
      state.refuse(name, bad.key(), reason);
      state.reactivate(name, back.map(Installed::key));
    } catch (IOException e) {
      LOG.error("sync could not record the rollback: {}", e.toString());
      lastErrors.put(name, reason + "; " + SyncException.STORE_FAILED + ": " + e);
    }
    reporter.event(
        generation,
        name,
        GatewayEventKind.GATEWAY_EVENT_KIND_ROLLED_BACK,
        bad.version() + " -> " + version + ": " + reason);
    reporter.report(reported());
  }

  private LoadedModel load(PipelineConfig pipeline, Installed version) throws SyncException {
    try {
      InferenceEngine engine =
          ModelFormat.TFLITE.name().equals(version.format())
              ? Engines.tflite()
              : Engines.onnxRuntime();
      return engine.load(store.path(version.modelDigest()), pipeline.model().options());
    } catch (InferenceException | IOException e) {
      throw new SyncException(
          SyncException.LOAD_FAILED,
          version.model() + " " + version.version() + " does not load: " + e.getMessage(),
          e);
    }
  }

  private void deleteUnreferenced(List<Installed> dropped) throws IOException {
    var keep = state.referencedDigests();
    for (Installed old : dropped) {
      for (String digest : old.digests()) {
        if (!keep.contains(digest)) {
          store.delete(digest);
        }
      }
    }
  }

  /** Stops the watch timer and the sync thread; models are closed with their pipelines. */
  @Override
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (heartbeat >= 0) {
      vertx.cancelTimer(heartbeat);
    }
    // no interrupt: a step in progress finishes its file writes (the store and state stay whole)
    thread.shutdown();
  }
}
