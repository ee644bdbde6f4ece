package io.isthmus.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.sim.report.EventOutcome;
import io.isthmus.sim.report.SimulationReport;
import io.isthmus.sim.run.MqttVersion;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The broker restarts while events flow: with QoS 1 everywhere and persistent sessions on both
 * sides, every event the simulator sent gets its result. The broker is a Mosquitto of the test's
 * own with persistence on, stopped (SIGTERM) and started again on the same port mid-stream.
 *
 * <p>At-least-once, not exactly-once: a QoS 1 message whose PUBACK was lost with the connection is
 * sent again, so a result may arrive twice. The simulator's report correlates results by (device,
 * sequence), keeps the first, and counts the rest as {@code duplicated}; the test prints that count
 * and requires that no event is lost and no result is unexpected.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerRestartIT {
  @TempDir Path dir;

  /**
   * MQTT 5 runs against a broker that offers no topic aliases: Paho 1.2.5 gives outgoing publishes
   * topic aliases on its own and, after a reconnect, resends the in-flight ones under the alias of
   * the old connection without the topic, which the broker refuses as a protocol error
   * (docs/architecture.md says so). The simulator speaks the agent's version, so that its MQTT 5
   * offline queue crosses the restart too.
   */
  @ParameterizedTest(name = "agent on MQTT {0}")
  @CsvSource({"3.1.1, ''", "5, max_topic_alias 0"})
  void noQos1EventIsLostWhenTheBrokerRestartsMidStream(
      String version, String brokerConfig, Vertx vertx) throws Exception {
    // GIVEN a persistent Mosquitto and an agent with a persistent session
    String id = UUID.randomUUID().toString().substring(0, 8);
    Path model = AgentFixture.vibrationModel(dir);
    try (RestartableMosquitto broker = RestartableMosquitto.start(dir, brokerConfig)) {
      EdgeAgent agent =
          AgentFixture.start(
              vertx,
              BrokerRestartFixture.agentYaml(
                  broker, version, "agent-restart-" + id, "restart-" + id, model, ""),
              dir);
      try {
        // WHEN the simulator (the agent's MQTT version, persistent session) sends 100 events/s
        // for 6 s and the broker is stopped after 2 s and started again a second later
        CompletableFuture<SimulationReport> run =
            BrokerRestartFixture.simulate(
                broker,
                "5".equals(version) ? MqttVersion.V5 : MqttVersion.V3_1_1,
                "sim-restart-" + id,
                "rs-" + id + "-",
                "isthmus/v1/results/restart-" + id + "/+",
                11);
        BrokerRestartFixture.restartMidStream(broker, Duration.ofSeconds(1));
        SimulationReport report = run.get(90, TimeUnit.SECONDS);

        // THEN every event is answered, correlated to its device and sequence
        System.out.printf(
            "broker restart: sent %d, received %d, lost %d, duplicated %d%n",
            report.sent(), report.received(), report.lost(), report.duplicated());
        assertThat(report.sent()).isGreaterThanOrEqualTo(550);
        assertThat(report.lost())
            .as(
                "lost, first ones %s; broker log:%n%s",
                report.lostKeys().subList(0, (int) Math.min(10, report.lost())), broker.log())
            .isZero();
        assertThat(report.unexpected()).isZero();
        for (EventOutcome outcome : report.events()) {
          InferenceResult result = outcome.result().orElseThrow();
          assertThat(result.getDeviceId()).isEqualTo(outcome.key().deviceId());
          assertThat(result.getSequence()).isEqualTo(outcome.key().sequence());
        }
        // and the agent really lost its connection and came back
        String metrics = AgentFixture.scrape(vertx, agent.httpPort());
        assertThat(AgentFixture.value(metrics, "isthmus_mqtt_connection_losses_total"))
            .isGreaterThanOrEqualTo(1);
        assertThat(AgentFixture.value(metrics, "isthmus_mqtt_reconnects_total"))
            .isGreaterThanOrEqualTo(1);
        assertThat(AgentFixture.value(metrics, "isthmus_mqtt_offline_overflows_total")).isZero();
      } finally {
        AgentFixture.stop(agent);
      }
    }
  }
}
