package io.isthmus.agent;

import io.isthmus.agent.config.AgentConfig;
import io.isthmus.agent.config.PipelineConfig;
import io.isthmus.agent.http.AgentHttpServer;
import io.isthmus.agent.ingest.MeteredMqttConnection;
import io.isthmus.agent.ingest.MqttConnection;
import io.isthmus.agent.ingest.MqttConnections;
import io.isthmus.agent.metrics.AgentMetrics;
import io.isthmus.agent.outbox.OutboxMetrics;
import io.isthmus.agent.outbox.OutboxPublisher;
import io.isthmus.agent.pipeline.Pipeline;
import io.isthmus.agent.pipeline.PipelineFactory;
import io.isthmus.agent.pipeline.ResultSink;
import io.isthmus.agent.sync.ModelSync;
import io.isthmus.protocol.broker.EmbeddedBroker;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge agent: embedded broker (optional), pipelines with their models, HTTP endpoints and the
 * MQTT connection, started in that order by {@link #start} and stopped in reverse by {@link #stop}.
 * With an {@code outbox:} configured, results go through a durable {@link OutboxPublisher} opened
 * before the pipelines and delivering once MQTT is connected.
 *
 * <pre>{@code
 * EdgeAgent agent = EdgeAgent.start(vertx, AgentConfigReader.read(file)).toCompletionStage()...;
 * }</pre>
 */
public final class EdgeAgent {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeAgent.class);

  private final Vertx vertx;
  private final AgentConfig config;
  private final AgentMetrics metrics = new AgentMetrics();
  private final List<Pipeline> pipelines = new CopyOnWriteArrayList<>();
  private volatile EmbeddedBroker broker;
  private volatile MqttConnection mqtt;
  private volatile AgentHttpServer http;
  private volatile String brokerUri;
  private volatile ModelSync sync;
  private volatile OutboxPublisher outbox;

  private EdgeAgent(Vertx vertx, AgentConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /**
   * Starts the agent. Fails with a {@code ConfigException} when a model does not fit its pipeline,
   * with the MQTT layer's exception when the broker cannot be reached, or when the HTTP port is
   * taken; whatever had started is stopped again.
   */
  public static Future<EdgeAgent> start(Vertx vertx, AgentConfig config) {
    EdgeAgent agent = new EdgeAgent(vertx, config);
    return agent
        .doStart()
        .map(agent)
        .recover(e -> agent.stop(Duration.ZERO).transform(ignored -> Future.failedFuture(e)));
  }

  private Future<Void> doStart() {
    long started = System.nanoTime();
    Future<AgentHttpServer> httpStarted =
        AgentHttpServer.start(
                vertx, config.http().host(), config.http().port(), this::notReady, metrics)
            .onSuccess(s -> http = s);
    Future<Void> brokerAndMqtt =
        vertx
            .<MqttConnection>executeBlocking(this::createConnection, false)
            .compose(MqttConnection::connect)
            .onSuccess(
                v -> LOG.info("mqtt connected to {} in {} ms", brokerUri, millisSince(started)));
    List<Future<?>> loads = new ArrayList<>();
    // the sync folder holds the models the pipelines start with: open it first
    Future<ModelSync> syncOpened =
        config.sync().isEmpty()
            ? Future.succeededFuture()
            : vertx.executeBlocking(
                () ->
                    sync =
                        ModelSync.open(
                            vertx, config.gatewayId(), config.gatewayLabels(), config.sync().get()),
                false);
    loads.add(syncOpened);
    // results go into the outbox from the first event on: open it before the pipelines
    Future<OutboxPublisher> outboxOpened =
        config.outbox().isEmpty()
            ? Future.succeededFuture()
            : vertx.executeBlocking(this::openOutbox, false);
    loads.add(outboxOpened);
    Future<?> beforePipelines = Future.all(syncOpened, outboxOpened);
    for (PipelineConfig pipeline : config.pipelines()) {
      loads.add(
          beforePipelines
              .compose(s -> vertx.executeBlocking(() -> createPipeline(pipeline), false))
              .onSuccess(
                  p -> {
                    pipelines.add(p);
                    LOG.info(
                        "pipeline={} model={} loaded and warmed in {} ms",
                        p.name(),
                        pipeline.model().name(),
                        millisSince(started));
                  }));
    }
    loads.add(httpStarted);
    loads.add(brokerAndMqtt);
    // join, not all: on a failure every load settles first, so stop() closes what loaded late
    return Future.join(loads).compose(v -> subscribe());
  }

  private Pipeline createPipeline(PipelineConfig pipeline) {
    if (sync == null) {
      return PipelineFactory.create(pipeline, sink(), metrics.pipeline(pipeline.name()));
    }
    Pipeline created =
        PipelineFactory.create(
            pipeline, sync.model(pipeline), sink(), metrics.pipeline(pipeline.name()));
    sync.attach(created);
    return created;
  }

  private OutboxPublisher openOutbox() throws java.io.IOException {
    OutboxPublisher opened =
        OutboxPublisher.open(config.outbox().orElseThrow().options(config.gatewayId()));
    new OutboxMetrics(opened.outbox()).bindTo(metrics.registry());
    outbox = opened;
    return opened;
  }

  private MqttConnection createConnection() {
    Optional<String> uri = config.mqtt().uri();
    boolean embedded = uri.isEmpty();
    if (config.broker().enabled()) {
      broker = EmbeddedBroker.start(config.broker().host(), config.broker().port());
    }
    brokerUri = uri.orElseGet(() -> broker.uri());
    MeteredMqttConnection connection =
        MqttConnections.create(vertx, AgentMqtt.options(config.mqtt(), brokerUri, embedded));
    metrics.bindMqtt(connection);
    mqtt = connection;
    return connection;
  }

  private ResultSink sink() {
    if (outbox != null) {
      return outbox;
    }
    return (topic, payload, qos, contentType) ->
        mqtt.publish(topic, payload, qos, false, contentType);
  }

  private Future<Void> subscribe() {
    List<Future<?>> subscriptions = new ArrayList<>();
    for (Pipeline pipeline : pipelines) {
      pipeline.start();
      for (String filter : pipeline.subscriptions()) {
        subscriptions.add(mqtt.subscribe(filter, config.mqtt().qos(), pipeline.handler()));
      }
    }
    if (sync != null) {
      // events (a history) through the outbox when there is one; reports are retained states
      subscriptions.add(sync.start(mqtt, outbox));
    }
    if (outbox != null) {
      outbox.start(mqtt);
    }
    return Future.all(subscriptions).mapEmpty();
  }

  /** What is not ready, by component; empty when MQTT is connected and every model is warm. */
  public Map<String, String> notReady() {
    Map<String, String> missing = new LinkedHashMap<>();
    MqttConnection connection = mqtt;
    if (connection == null || !connection.isConnected()) {
      missing.put("mqtt", "not connected to " + (brokerUri == null ? "the broker" : brokerUri));
    }
    List<String> loading = new ArrayList<>();
    for (PipelineConfig p : config.pipelines()) {
      if (pipelines.stream().noneMatch(x -> x.name().equals(p.name()))) {
        loading.add(p.name());
      }
    }
    if (!loading.isEmpty()) {
      missing.put("pipelines", "models loading or failed: " + loading);
    }
    return missing;
  }

  /**
   * Stops: no new events, workers drain their queues for up to {@code drain}, the outbox stops
   * delivering and closes (what it holds is sent after the next start), then models close, MQTT
   * disconnects, the embedded broker and the HTTP server stop. Never fails.
   */
  public Future<Void> stop(Duration drain) {
    if (sync != null) {
      sync.close();
    }
    pipelines.forEach(Pipeline::stopAccepting);
    Promise<Void> done = Promise.promise();
    vertx
        .executeBlocking(
            () -> {
              for (Pipeline p : pipelines) {
                p.stop(drain);
              }
              if (outbox != null) {
                outbox.close();
              }
              return null;
            },
            false)
        .eventually(() -> mqtt == null ? Future.succeededFuture() : mqtt.disconnect())
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      for (Pipeline p : pipelines) {
                        try {
                          p.close();
                        } catch (RuntimeException e) {
                          // one model that fails to close must not keep the others and the broker
                          // open
                          LOG.warn("pipeline={} did not close cleanly: {}", p.name(), e.toString());
                        }
                      }
                      if (broker != null) {
                        broker.stop();
                      }
                      return null;
                    },
                    false))
        .eventually(() -> http == null ? Future.succeededFuture() : http.stop())
        .onComplete(
            ar -> {
              metrics.close();
              LOG.info("agent stopped");
              done.complete();
            });
    return done.future();
  }

  public int httpPort() {
    return http.port();
  }

  /** The broker the agent is connected to. */
  public String brokerUri() {
    return brokerUri;
  }

  public List<String> pipelineNames() {
    return config.pipelines().stream().map(PipelineConfig::name).toList();
  }

  public Optional<Pipeline> pipeline(String name) {
    return pipelines.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** Model sync, when configured. */
  public Optional<ModelSync> sync() {
    return Optional.ofNullable(sync);
  }

  /** The outbox results go through, when configured. */
  public Optional<OutboxPublisher> outbox() {
    return Optional.ofNullable(outbox);
  }

  public AgentMetrics metrics() {
    return metrics;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
