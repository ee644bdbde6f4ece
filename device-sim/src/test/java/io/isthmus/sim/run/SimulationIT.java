package io.isthmus.sim.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.sim.load.LoadShape;
import io.isthmus.sim.profile.VibrationProfile;
import io.isthmus.sim.report.EventKey;
import io.isthmus.sim.report.EventOutcome;
import io.isthmus.sim.report.SimulationReport;
import io.moquette.broker.Server;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the simulator against an embedded Moquette broker and an echo agent written here. */
@Timeout(60)
class SimulationIT {
  private static Server broker;
  private static String uri;

  @BeforeAll
  static void startBroker(@TempDir Path data) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Properties props = new Properties();
    props.setProperty("host", "127.0.0.1");
    props.setProperty("port", String.valueOf(port));
    props.setProperty("websocket_port", "disabled");
    props.setProperty("allow_anonymous", "true");
    props.setProperty("telemetry_enabled", "false");
    props.setProperty("persistence_enabled", "false");
    props.setProperty("data_path", data.toString());
    // Netty 4.1.133's MqttDecoder throws a spurious TooLongFrameException for any message that
    // arrives in more than one read unless the limit is Integer.MAX_VALUE (netty/netty#16812).
    props.setProperty("netty.mqtt.message_size", String.valueOf(Integer.MAX_VALUE));
    broker = new Server();
    broker.startServer(props);
    uri = "tcp://127.0.0.1:" + port;
  }

  @AfterAll
  static void stopBroker() {
    broker.stopServer();
  }

  private static SimulationConfig.Builder config(int devices, int events) {
    return SimulationConfig.builder()
        .brokerUri(uri)
        .devices(devices)
        .load(LoadShape.constant(events * 2.0))
        .duration(Duration.ofMillis(500))
        .qos(1)
        .drainTimeout(Duration.ofSeconds(3))
        .settleTime(Duration.ofMillis(300))
        .seed(5);
  }

  @Test
  void everyEventIsAnsweredOnce() throws Exception {
    VibrationProfile profile = VibrationProfile.builder().faultDevices(Set.of("sim-1")).build();
    try (EchoAgent agent = new EchoAgent(uri, e -> false, e -> false)) {
      SimulationReport report = Simulation.run(config(4, 100).profile(profile).build());

      assertThat(report.sent()).isEqualTo(100);
      assertThat(report.received()).isEqualTo(100);
      assertThat(report.lost()).isZero();
      assertThat(report.duplicated()).isZero();
      assertThat(report.unexpected()).isZero();
      assertThat(report.publishFailures()).isZero();
      assertThat(report.latency().count()).isEqualTo(100);
      assertThat(report.latency().p50())
          .isGreaterThan(0)
          .isLessThanOrEqualTo(report.latency().p99());
      assertThat(report.stageMeansMs())
          .containsEntry("edgeInfer", 0.3)
          .containsEntry("total", 0.46);
      assertThat(agent.failures.get()).isZero();
      // Device sim-1 was always faulty; the echo's RMS score is higher with the fault's energy.
      assertThat(report.events())
          .filteredOn(e -> e.key().deviceId().equals("sim-1"))
          .hasSize(25)
          .allMatch(EventOutcome::faultInjected);
      var anomaly = report.anomaly().orElseThrow();
      assertThat(anomaly.faultyEvents()).isEqualTo(25);
      assertThat(anomaly.healthyEvents()).isEqualTo(75);
      assertThat(anomaly.meanScoreFaulty().getAsDouble())
          .isGreaterThan(anomaly.meanScoreHealthy().getAsDouble());
      assertThat(report.outcome("sim-0", 24)).isPresent();
      assertThat(report.outcome("sim-0", 25)).isEmpty();
    }
  }

  @Test
  void dropsAndDuplicatesAreCountedExactly() throws Exception {
    // Drop sequence numbers 0 and 10 of every device (5 devices x 2 = 10 of 100 events),
    // duplicate sim-2/3.
    try (EchoAgent agent =
        new EchoAgent(
            uri,
            e -> e.getSequence() % 10 == 0,
            e -> e.getDeviceId().equals("sim-2") && e.getSequence() == 3)) {
      SimulationReport report =
          Simulation.run(
              config(5, 100)
                  .format(PayloadFormat.PROTOBUF)
                  .drainTimeout(Duration.ofSeconds(1))
                  .build());

      assertThat(report.sent()).isEqualTo(100);
      assertThat(report.lost()).isEqualTo(10);
      assertThat(report.received()).isEqualTo(90);
      assertThat(report.duplicated()).isEqualTo(1);
      assertThat(report.duplicatedKeys()).containsExactly(new EventKey("sim-2", 3));
      assertThat(report.lostKeys())
          .hasSize(10)
          .allMatch(k -> k.sequence() == 0 || k.sequence() == 10)
          .contains(new EventKey("sim-0", 0), new EventKey("sim-4", 10));
      assertThat(report.outcome("sim-2", 3).orElseThrow().results()).isEqualTo(2);
      assertThat(report.unexpected()).isZero();
      assertThat(agent.seen.get()).isEqualTo(100);
    }
  }

  @Test
  void mqtt5ClientIsRefusedByMoquetteWithAClearError() {
    assertThatThrownBy(
            () ->
                Simulation.run(
                    config(1, 2)
                        .mqttVersion(MqttVersion.V5)
                        .connectTimeout(Duration.ofSeconds(3))
                        .build()))
        .isInstanceOf(SimulationException.class)
        .hasMessageContaining("with MQTT 5");
  }

  @Test
  void unreachableBrokerFailsWithTheUri() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThatThrownBy(
            () ->
                Simulation.run(
                    config(1, 2)
                        .brokerUri("tcp://127.0.0.1:" + port)
                        .connectTimeout(Duration.ofSeconds(2))
                        .build()))
        .isInstanceOf(SimulationException.class)
        .hasMessageContaining("tcp://127.0.0.1:" + port);
  }

  @Test
  void commandLinePrintsJsonLastAndWritesFiles(@TempDir Path out) throws Exception {
    java.io.StringWriter stdout = new java.io.StringWriter();
    try (EchoAgent agent = new EchoAgent(uri, e -> false, e -> false)) {
      picocli.CommandLine cl = io.isthmus.sim.cli.SimCommand.commandLine();
      cl.setOut(new java.io.PrintWriter(stdout));
      int code =
          cl.execute(
              "run",
              "--broker",
              uri,
              "--devices",
              "2",
              "--rate",
              "40",
              "--duration",
              "500ms",
              "--load",
              "poisson",
              "--profile",
              "environment",
              "--qos",
              "1",
              "--json",
              "--quiet",
              "--out",
              out.toString(),
              "--drain",
              "3s");
      assertThat(code).isEqualTo(0);
    }
    String[] lines = stdout.toString().split("\n");
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines[lines.length - 1]);
    assertThat(json.get("sent").asLong()).isPositive();
    assertThat(json.get("received").asLong()).isEqualTo(json.get("sent").asLong());
    assertThat(json.get("lost").asLong()).isZero();
    assertThat(json.at("/settings/profile").asText()).isEqualTo("environment");
    assertThat(java.nio.file.Files.readAllLines(out.resolve("events.csv")))
        .hasSize(1 + json.get("sent").asInt());
    assertThat(out.resolve("latency.svg")).exists();
  }
}
