package io.isthmus.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.inference.testing.TestModels;
import io.isthmus.protocol.v1.InferenceResult;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Several times the queue's capacity at once, to a pipeline whose model takes milliseconds per
 * image: the excess is dropped or rejected and counted exactly, the queue never holds more than its
 * capacity, and normal traffic gets results again afterwards.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OverloadIT {
  private static final int CAPACITY = 4;
  private static final int BURST = 80;

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
    "drop-oldest, isthmus_dropped_total, overload",
    "reject, isthmus_rejected_total, queue_full"
  })
  void excessIsCountedExactlyAndServiceResumes(
      String policy, String counter, String reason, Vertx vertx) throws Exception {
    // GIVEN a face detection pipeline with a queue of 4 and one worker
    String yaml =
        "broker: {embedded: {enabled: true, port: 0}}\n"
            + "http: {host: 127.0.0.1, port: 0}\n"
            + "pipelines:\n"
            + "  - name: faces\n    stream: camera\n"
            + "    pre: [{image: {width: 128, height: 128, range: '-1..1'}}]\n"
            + "    model: {path: "
            + TestModels.require("blazeface-front-128")
            + "}\n"
            + "    post: {detections: {scores: [0, 1], boxes: [2, 3]}}\n"
            + "    queue: {capacity: "
            + CAPACITY
            + ", overload: "
            + policy
            + "}\n"
            + "    workers: 1\n";
    EdgeAgent agent = AgentFixture.start(vertx, yaml, dir);
    String image = Payloads.image(0, Payloads.facePng(96));
    try (TestMqttClient mqtt =
        new TestMqttClient(agent.brokerUri(), "isthmus/v1/results/faces/+")) {
      // WHEN 80 images arrive as fast as the client can send them (QoS 1, acknowledged as a burst)
      mqtt.publishBurst("sensors/cam-{i}/camera", java.util.Collections.nCopies(BURST, image));

      // THEN every received event is either answered or counted as overflow
      String labels = "pipeline=\"faces\",reason=\"" + reason + "\"";
      String metrics = awaitSettled(vertx, agent, counter, labels);
      double received =
          AgentFixture.value(metrics, "isthmus_events_received_total", "pipeline=\"faces\"");
      double published =
          AgentFixture.value(metrics, "isthmus_results_published_total", "pipeline=\"faces\"");
      double overflow = AgentFixture.value(metrics, counter, labels);
      System.out.printf(
          "%s: received %.0f, published %.0f, %s %.0f%n",
          policy, received, published, reason, overflow);
      assertThat(received).isEqualTo(BURST);
      assertThat(overflow).isPositive();
      assertThat(published + overflow).isEqualTo(received);
      assertThat(AgentFixture.value(metrics, "isthmus_queue_depth_max", "pipeline=\"faces\""))
          .isLessThanOrEqualTo(CAPACITY);
      assertThat(agent.pipeline("faces").orElseThrow().queue().highWater())
          .isLessThanOrEqualTo(CAPACITY);
      for (int i = 0; i < published; i++) {
        mqtt.nextResult();
      }

      // AND normal traffic afterwards is answered, event by event
      for (int seq = 1; seq <= 3; seq++) {
        mqtt.publish("sensors/calm/camera", Payloads.image(seq, Payloads.facePng(96)));
        InferenceResult result = mqtt.nextResult();
        assertThat(result.getDeviceId()).isEqualTo("calm");
        assertThat(result.getSequence()).isEqualTo(seq);
      }
    } finally {
      AgentFixture.stop(agent);
    }
  }

  /** Scrapes until every received event is accounted for (answered or overflowed). */
  private static String awaitSettled(Vertx vertx, EdgeAgent agent, String counter, String labels)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      String metrics = AgentFixture.scrape(vertx, agent.httpPort());
      double received =
          AgentFixture.value(metrics, "isthmus_events_received_total", "pipeline=\"faces\"");
      double done =
          AgentFixture.value(metrics, "isthmus_results_published_total", "pipeline=\"faces\"")
              + AgentFixture.value(metrics, counter, labels);
      if ((received == BURST && done == received) || System.nanoTime() > deadline) {
        return metrics;
      }
      Thread.sleep(50);
    }
  }
}
