package io.isthmus.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.inference.testing.TestModels;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.sim.load.LoadShape;
import io.isthmus.sim.profile.AudioProfile;
import io.isthmus.sim.report.EventOutcome;
import io.isthmus.sim.report.SimulationReport;
import io.isthmus.sim.run.MqttVersion;
import io.isthmus.sim.run.Simulation;
import io.isthmus.sim.run.SimulationConfig;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's wake-word pipeline end to end on the embedded broker: simulated 80 ms audio frames
 * through the three-model openWakeWord chain, a score per frame.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WakeWordIT {
  @TempDir Path dir;

  @Test
  void everyAudioFrameGetsAWakeWordScore(Vertx vertx) throws Exception {
    // GIVEN the demo's wake-word configuration with the fetched models, on a free port
    Path models = TestModels.require("oww-melspectrogram").getParent();
    TestModels.require("oww-embedding");
    TestModels.require("oww-hey-jarvis");
    String yaml =
        Files.readString(Path.of("config/demo-wakeword.yaml"))
            .replace("../../models/", models.toAbsolutePath() + "/")
            .replace("port: 1883", "port: 0");
    EdgeAgent agent = AgentFixture.start(vertx, yaml, dir);
    try {
      // WHEN 3 microphones send 80 ms frames in real time for 3 s
      SimulationReport report =
          Simulation.run(
              SimulationConfig.builder()
                  .brokerUri(agent.brokerUri())
                  .mqttVersion(MqttVersion.V3_1_1)
                  .qos(1)
                  .devices(3)
                  .devicePrefix("mic-")
                  .profile(new AudioProfile("mic", 1280, false))
                  .load(LoadShape.constant(37.5))
                  .duration(Duration.ofSeconds(3))
                  .drainTimeout(Duration.ofSeconds(20))
                  .resultFilter("isthmus/v1/results/wakeword/+")
                  .seed(3)
                  .build());

      // THEN every frame has exactly one result with a score in [0, 1], for its device and seq
      assertThat(report.sent()).isGreaterThanOrEqualTo(100);
      assertThat(report.lost()).isZero();
      assertThat(report.duplicated()).isZero();
      assertThat(report.unexpected()).isZero();
      double max = 0;
      for (EventOutcome outcome : report.events()) {
        InferenceResult result = outcome.result().orElseThrow();
        assertThat(result.getDeviceId()).isEqualTo(outcome.key().deviceId());
        assertThat(result.getSequence()).isEqualTo(outcome.key().sequence());
        assertThat(result.getModelName()).isEqualTo("hey-jarvis");
        assertThat(result.getSummary().getScore()).isBetween(0.0, 1.0);
        max = Math.max(max, result.getSummary().getScore());
      }
      System.out.printf(
          "wake word: %d frames scored, highest score %.4f (synthetic audio, no wake word)%n",
          report.received(), max);
      String metrics = AgentFixture.scrape(vertx, agent.httpPort());
      assertThat(
              AgentFixture.value(
                  metrics, "isthmus_results_published_total", "pipeline=\"wakeword\""))
          .isEqualTo(report.sent());
    } finally {
      AgentFixture.stop(agent);
    }
  }
}
