package io.isthmus.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.inference.testing.TestModels;
import io.isthmus.protocol.v1.InferenceResult;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Bad events are counted by reason in /metrics and the agent keeps serving. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputIT {
  @TempDir Path dir;

  @Test
  void eachBadInputIsCountedByReasonAndAValidEventStillGetsAResult(Vertx vertx) throws Exception {
    // GIVEN an agent with a vibration pipeline (8 KiB limit) and a face detection pipeline
    Path model = AgentFixture.vibrationModel(dir);
    String yaml =
        "broker: {embedded: {enabled: true, port: 0}}\n"
            + "http: {host: 127.0.0.1, port: 0}\n"
            + "pipelines:\n"
            + "  - name: vibration\n    stream: accel\n    maxPayloadBytes: 8192\n"
            + "    pre: [{window: {size: 256}}]\n"
            + "    model: {path: "
            + model
            + "}\n"
            + "    post: {score: {threshold: 2.5}}\n"
            + "  - name: faces\n    stream: camera\n"
            + "    pre: [{image: {width: 128, height: 128, layout: NHWC, range: '-1..1'}}]\n"
            + "    model: {path: "
            + TestModels.require("blazeface-front-128")
            + "}\n"
            + "    post: {detections: {scores: [0, 1], boxes: [2, 3], scoreThreshold: 0.5}}\n";
    EdgeAgent agent = AgentFixture.start(vertx, yaml, dir);
    try (TestMqttClient mqtt = new TestMqttClient(agent.brokerUri(), "isthmus/v1/results/#")) {
      // WHEN one of each kind of bad input arrives, then a valid event per pipeline
      mqtt.publish("sensors/bad-json/accel", "{\"ts\": 1, \"values\": [1, 2");
      mqtt.publish("sensors/bad-pb/accel.pb", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
      mqtt.publish("sensors/big/accel", Payloads.series(1, 2000));
      mqtt.publish(
          "sensors/two-ch/accel", "{\"ts\": 1, \"values\": [1, 2, 3, 4], \"channels\": 2}");
      mqtt.publish("sensors/fields/accel", "{\"ts\": 1, \"fields\": {\"temp\": 21.5}}");
      mqtt.publish(
          "sensors/cam-1/camera",
          "{\"ts\": 1, \"mediaType\": \"image/jpeg\", \"data\": \"bm90IGFuIGltYWdl\"}");
      mqtt.publish("sensors/pump-1/accel", Payloads.series(42, 256));
      mqtt.publish("sensors/cam-2/camera", Payloads.image(7, Payloads.facePng(64)));

      // THEN both valid events are answered
      InferenceResult first = mqtt.nextResult();
      InferenceResult second = mqtt.nextResult();
      InferenceResult vibration = first.getPipeline().equals("vibration") ? first : second;
      InferenceResult faces = first.getPipeline().equals("faces") ? first : second;
      assertThat(vibration.getDeviceId()).isEqualTo("pump-1");
      assertThat(vibration.getSequence()).isEqualTo(42);
      assertThat(vibration.getSummary().hasAnomalyScore()).isTrue();
      assertThat(faces.getDeviceId()).isEqualTo("cam-2");
      assertThat(faces.getSequence()).isEqualTo(7);
      assertThat(faces.getOutputs(0).getName()).isEqualTo("detections");

      // AND every bad input is counted once under its reason
      String metrics = AgentFixture.scrape(vertx, agent.httpPort());
      assertThat(rejected(metrics, "vibration", "malformed_json")).isEqualTo(1);
      assertThat(rejected(metrics, "vibration", "malformed_protobuf")).isEqualTo(1);
      assertThat(rejected(metrics, "vibration", "payload_too_large")).isEqualTo(1);
      assertThat(rejected(metrics, "vibration", "wrong_shape")).isEqualTo(1);
      assertThat(rejected(metrics, "vibration", "wrong_payload")).isEqualTo(1);
      assertThat(rejected(metrics, "faces", "bad_image")).isEqualTo(1);
      assertThat(rejected(metrics, "vibration", "bad_image")).isZero();
      assertThat(rejected(metrics, "vibration", "engine_failure")).isZero();
      assertThat(
              AgentFixture.value(
                  metrics, "isthmus_events_received_total", "pipeline=\"vibration\""))
          .isEqualTo(6);
      assertThat(
              AgentFixture.value(
                  metrics, "isthmus_results_published_total", "pipeline=\"vibration\""))
          .isEqualTo(1);
      assertThat(
              AgentFixture.value(metrics, "isthmus_results_published_total", "pipeline=\"faces\""))
          .isEqualTo(1);
      assertThat(metrics)
          .contains("isthmus_stage_latency_seconds_bucket{pipeline=\"vibration\",stage=\"infer\"")
          .contains("jvm_memory_used_bytes")
          .contains("isthmus_model_load_seconds{model=\"blazeface-front-128\",pipeline=\"faces\"}");
      assertThat(AgentFixture.get(vertx, agent.httpPort(), "/health")).startsWith("200 ");
      assertThat(AgentFixture.get(vertx, agent.httpPort(), "/ready"))
          .isEqualTo("200 {\"status\":\"READY\"}");
    } finally {
      AgentFixture.stop(agent);
    }
  }

  private static double rejected(String metrics, String pipeline, String reason) {
    return AgentFixture.value(
        metrics,
        "isthmus_rejected_total",
        "pipeline=\"" + pipeline + "\",reason=\"" + reason + "\"");
  }
}
