package io.isthmus.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.ingest.InboundMessage;
import io.isthmus.agent.outbox.Outbox;
import io.isthmus.agent.pipeline.Pipeline;
import io.isthmus.protocol.delivery.Deduplicator;
import io.isthmus.protocol.delivery.IdempotencyKey;
import io.isthmus.protocol.json.InferenceResultJson;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.sim.report.EventKey;
import io.isthmus.sim.report.EventOutcome;
import io.isthmus.sim.report.SimulationReport;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results go through the agent's durable outbox while the broker restarts mid-stream: every event
 * gets a result, every result carries an idempotency key, a result sent twice carries the same key
 * both times, and after de-duplication by key each stored result is there exactly once. The outbox
 * is empty at the end and its meters are on /metrics. Results stored while the broker is down
 * survive the agent's restart and are delivered by the next agent on the same outbox folder.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutboxDeliveryIT {
  private static final InferenceResultJson JSON = InferenceResultJson.defaults();

  @TempDir Path dir;

  /** A persistent-session subscriber that keeps every result it gets, duplicates included. */
  private static final class Collector implements AutoCloseable {
    final List<InferenceResult> results = new CopyOnWriteArrayList<>();
    private final MqttClient client;

    Collector(String uri, String clientId, String filter) throws Exception {
      client = new MqttClient(uri, clientId, new MemoryPersistence());
      MqttConnectOptions options = new MqttConnectOptions();
      options.setCleanSession(false);
      options.setAutomaticReconnect(true);
      options.setMaxReconnectDelay(500);
      options.setMaxInflight(1000);
      client.connect(options);
      client.subscribe(
          filter, 1, (topic, message) -> results.add(JSON.decode(message.getPayload())));
    }

    @Override
    public void close() throws Exception {
      client.disconnectForcibly(1000);
      client.close();
    }
  }

  /** An agent with a persistent session whose results go through an outbox in {@code outbox/}. */
  private static String agentYaml(String id, RestartableMosquitto broker, Path model) {
    return BrokerRestartFixture.agentYaml(
        broker,
        "3.1.1",
        "agent-outbox-" + id,
        "outbox-" + id,
        model,
        "gateway: {id: gw-"
            + id
            + "}\n"
            + "outbox: {dir: outbox, fsync: interval, fsyncInterval: 20ms, maxBytes: 64MiB}\n");
  }

  @Test
  void everyEventHasExactlyOneResultAfterDeduplicationAcrossABrokerRestart(Vertx vertx)
      throws Exception {
    // GIVEN a persistent Mosquitto and an agent whose results go through an outbox
    String id = UUID.randomUUID().toString().substring(0, 8);
    String gateway = "gw-" + id;
    Path model = AgentFixture.vibrationModel(dir);
    try (RestartableMosquitto broker = RestartableMosquitto.start(dir, "")) {
      EdgeAgent agent = AgentFixture.start(vertx, agentYaml(id, broker, model), dir);
      String results = "isthmus/v1/results/outbox-" + id + "/+";
      try (Collector collector = new Collector(broker.uri(), "collector-" + id, results)) {
        // WHEN the simulator sends 100 events/s for 6 s and the broker is stopped after 2 s and
        // started again a second later
        CompletableFuture<SimulationReport> run =
            BrokerRestartFixture.simulate(broker, "sim-outbox-" + id, "ob-" + id + "-", results, 5);
        BrokerRestartFixture.restartMidStream(broker, Duration.ofMillis(1_500));
        SimulationReport report = run.get(90, TimeUnit.SECONDS);

        // THEN the simulator saw a result for every event
        System.out.printf(
            "outbox broker restart: sent %d, received %d, lost %d, duplicated %d%n",
            report.sent(), report.received(), report.lost(), report.duplicated());
        assertThat(report.sent()).isGreaterThanOrEqualTo(550);
        if (report.lost() > 0) {
          // let a failure say where the events went before the broker's log drowns it
          System.out.println(lossDiagnosis(report, collector, agent, vertx));
        }
        assertThat(report.lost())
            .as("%s%nbroker log:%n%s", lossDiagnosis(report, collector, agent, vertx), broker.log())
            .isZero();
        assertThat(report.unexpected()).isZero();

        // and the collector, de-duplicating by idempotency key, holds every stored result exactly
        // once and a result for every event
        Outbox outbox = agent.outbox().orElseThrow().outbox();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, String> eventByKey = new HashMap<>();
        Set<String> events = new HashSet<>();
        long afterDedup;
        int seen;
        while (true) {
          Deduplicator dedup = new Deduplicator();
          eventByKey.clear();
          events.clear();
          afterDedup = 0;
          List<InferenceResult> received = List.copyOf(collector.results);
          for (InferenceResult result : received) {
            String event = result.getDeviceId() + "#" + result.getSequence();
            IdempotencyKey key = IdempotencyKey.parse(result.getIdempotencyKey());
            assertThat(key.gatewayId()).isEqualTo(gateway);
            // a resent result carries the key of the same event, never another event's
            assertThat(eventByKey.computeIfAbsent(key.toString(), k -> event)).isEqualTo(event);
            if (dedup.firstSeen(key)) {
              afterDedup++;
              events.add(event);
            }
          }
          seen = received.size();
          if (outbox.stats().depth() == 0 && afterDedup >= outbox.stats().appended()
              || System.nanoTime() > deadline) {
            break;
          }
          Thread.sleep(200);
        }
        // an event the broker delivered to the agent twice (its PUBACK lost in the restart) is
        // inferred twice: two results under two keys, which consumers correlate by device and
        // sequence
        System.out.printf(
            "outbox broker restart: collector got %d results, %d after de-duplication by key,"
                + " for %d events%n",
            seen, afterDedup, events.size());
        assertThat(events).hasSize((int) report.sent());
        assertThat(afterDedup).isEqualTo(eventByKey.size()).isEqualTo(outbox.stats().appended());

        // and the outbox is empty, its meters exported
        assertThat(outbox.stats().depth()).isZero();
        String metrics = AgentFixture.scrape(vertx, agent.httpPort());
        String labels = "gateway=\"" + gateway + "\"";
        assertThat(AgentFixture.value(metrics, "isthmus_outbox_depth_records", labels)).isZero();
        assertThat(AgentFixture.value(metrics, "isthmus_outbox_delivered_records_total", labels))
            .isGreaterThanOrEqualTo(report.sent());
        assertThat(AgentFixture.value(metrics, "isthmus_outbox_dropped_records_total", labels))
            .isZero();
        assertThat(AgentFixture.value(metrics, "isthmus_mqtt_reconnects_total"))
            .isGreaterThanOrEqualTo(1);
      } finally {
        AgentFixture.stop(agent);
      }
    }
  }

  /**
   * Where the lost events went: when each was sent, whether the collector (connected all along) got
   * a result for it, and the agent's ingest, pipeline, outbox and MQTT counters.
   */
  private static String lossDiagnosis(
      SimulationReport report, Collector collector, EdgeAgent agent, Vertx vertx) {
    Set<String> collected = new HashSet<>();
    for (InferenceResult result : List.copyOf(collector.results)) {
      collected.add(result.getDeviceId() + "/" + result.getSequence());
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "lost %d of %d (publish failures %d):",
            report.lost(), report.sent(), report.publishFailures()));
    long seenByCollector = 0;
    for (EventKey key : report.lostKeys().stream().sorted().toList()) {
      EventOutcome outcome = report.outcome(key.deviceId(), key.sequence()).orElseThrow();
      boolean seen = collected.contains(key.toString());
      seenByCollector += seen ? 1 : 0;
      out.append(
          String.format(
              " %s@%dms%s", key, outcome.sentOffsetNanos() / 1_000_000, seen ? "+c" : ""));
    }
    out.append(
        String.format(
            "%n%d of the lost reached the collector (+c)%nagent counters:%n", seenByCollector));
    try {
      AgentFixture.scrape(vertx, agent.httpPort())
          .lines()
          .filter(l -> l.startsWith("isthmus_") && !l.contains("_bucket") && !l.contains("stage"))
          .forEach(l -> out.append("  ").append(l).append('\n'));
    } catch (Exception e) {
      out.append("  /metrics not read: ").append(e);
    }
    return out.toString();
  }

  @Test
  void resultsStoredWhileTheBrokerWasDownAreDeliveredByTheRestartedAgent(Vertx vertx)
      throws Exception {
    // GIVEN an agent with an outbox that lost its broker
    String id = UUID.randomUUID().toString().substring(0, 8);
    Path model = AgentFixture.vibrationModel(dir);
    try (RestartableMosquitto broker = RestartableMosquitto.start(dir, "")) {
      EdgeAgent first = AgentFixture.start(vertx, agentYaml(id, broker, model), dir);
      int events = 20;
      try {
        broker.stop();
        // WHEN events reach its pipeline (as from a local bus) and their results are stored
        Pipeline pipeline = first.pipeline("outbox-" + id).orElseThrow();
        for (int seq = 1; seq <= events; seq++) {
          pipeline
              .handler()
              .onMessage(
                  new InboundMessage(
                      "sensors/dev-" + (seq % 2) + "/accel",
                      Payloads.series(seq, 256).getBytes(StandardCharsets.UTF_8),
                      1,
                      Optional.empty(),
                      System.nanoTime(),
                      System.currentTimeMillis() * 1000));
        }
        Outbox outbox = first.outbox().orElseThrow().outbox();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (outbox.stats().appended() < events && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(outbox.stats().depth()).isEqualTo(events);
      } finally {
        // and the agent is stopped, the broker started again and a new agent started on the same
        // outbox folder
        AgentFixture.stop(first);
      }
      broker.start();
      String results = "isthmus/v1/results/outbox-" + id + "/+";
      try (Collector collector = new Collector(broker.uri(), "collector-" + id, results)) {
        EdgeAgent second = AgentFixture.start(vertx, agentYaml(id, broker, model), dir);
        try {
          // THEN the new agent delivers every stored result, keyed by the first one's sequence
          Outbox outbox = second.outbox().orElseThrow().outbox();
          long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (outbox.stats().depth() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
          }
          assertThat(outbox.stats().depth()).isZero();
          Deduplicator dedup = new Deduplicator();
          Map<Long, Long> eventByKeySequence = new HashMap<>();
          while (eventByKeySequence.size() < events && System.nanoTime() < deadline) {
            for (InferenceResult result : List.copyOf(collector.results)) {
              IdempotencyKey key = IdempotencyKey.parse(result.getIdempotencyKey());
              if (dedup.firstSeen(key)) {
                eventByKeySequence.put(key.sequence(), result.getSequence());
              }
            }
            Thread.sleep(50);
          }
          assertThat(eventByKeySequence.keySet())
              .containsExactlyInAnyOrderElementsOf(
                  LongStream.rangeClosed(1, events).boxed().toList());
          assertThat(Set.copyOf(eventByKeySequence.values()))
              .containsExactlyInAnyOrderElementsOf(
                  LongStream.rangeClosed(1, events).boxed().toList());
        } finally {
          AgentFixture.stop(second);
        }
      }
    }
  }
}
