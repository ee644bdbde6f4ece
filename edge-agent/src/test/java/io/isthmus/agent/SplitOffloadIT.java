package io.isthmus.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isthmus.agent.offload.FallbackReason;
import io.isthmus.agent.offload.TinySplitModel;
import io.isthmus.inference.Engines;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.Tensor;
import io.isthmus.offload.OffloadFunction;
import io.isthmus.offload.core.OffloadOptions;
import io.isthmus.offload.model.ModelSource;
import io.isthmus.protocol.v1.InferenceResult;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A split pipeline end to end: events over the embedded broker, the head of a model the partitioner
 * split run by the agent, the tail by the cloud function started in this JVM, results back over
 * MQTT; then the cloud is stopped mid-stream and started again.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SplitOffloadIT {
  private static final String OFFLOADED = "path=\"offloaded\",pipeline=\"split\"";
  private static final String FALLBACK = "path=\"fallback\",pipeline=\"split\"";

  @TempDir static Path dir;
  static TinySplitModel models;
  static LoadedModel full;

  @BeforeAll
  static void writeModels() throws Exception {
    models = TinySplitModel.write(dir);
    full = Engines.onnxRuntime().load(models.full(), ModelOptions.defaults());
  }

  @AfterAll
  static void closeModel() {
    full.close();
  }

  private static OffloadFunction cloud(int port) throws Exception {
    return OffloadFunction.start(
            OffloadOptions.of(
                List.of(ModelSource.parse("tail=" + models.tail())), dir.resolve("cache")),
            Optional.empty(),
            "127.0.0.1",
            port)
        .get(30, TimeUnit.SECONDS);
  }

  private static String config(int cloudPort) {
    return config(cloudPort, "300ms");
  }

  private static String config(int cloudPort, String deadline) {
    return "broker: {embedded: {enabled: true, port: 0}}\n"
        + "http: {host: 127.0.0.1, port: 0}\n"
        + "pipelines:\n"
        + "  - name: split\n"
        + "    stream: feat\n"
        + "    pre: [{window: {size: 8}}]\n"
        + "    model:\n"
        + "      path: "
        + models.full()
        + "\n"
        + "      split:\n"
        + "        remote: {url: 'http://127.0.0.1:"
        + cloudPort
        + "', deadline: "
        + deadline
        + "}\n"
        + "        policy: always\n"
        + "        candidates: [{head: "
        + models.head()
        + ", model: tail}]\n"
        + "        breaker: {failures: 2, coolDown: 200ms}\n"
        + "        probeInterval: 100ms\n"
        + "    post: {score: {threshold: 1000}}\n"
        + "    result: {qos: 1}\n";
  }

  @Test
  void resultsOfTheSplitPathEqualTheFullModelsAndCarryTheNetworkAndCloudTimes(Vertx vertx)
      throws Exception {
    // GIVEN the cloud function with the tail, and an agent whose pipeline offloads to it
    try (OffloadFunction cloud = cloud(0)) {
      // a generous deadline: every result must come from the cloud, also on a loaded machine
      EdgeAgent agent = AgentFixture.start(vertx, config(cloud.port(), "5s"), dir);
      try (TestMqttClient mqtt =
          new TestMqttClient(agent.brokerUri(), "isthmus/v1/results/split/#")) {
        // WHEN 20 events arrive
        Map<Long, Float> expected = new HashMap<>();
        for (long seq = 0; seq < 20; seq++) {
          expected.put(seq, send(mqtt, "dev-a", seq));
        }

        // THEN every result equals the full model's output, and went through the cloud
        for (int i = 0; i < 20; i++) {
          InferenceResult result = mqtt.nextResult();
          assertThat(result.getSummary().getAnomalyScore())
              .isCloseTo(expected.get(result.getSequence()), within(1e-5));
          assertThat(result.getLatency().hasNetworkUs()).isTrue();
          assertThat(result.getLatency().getNetworkUs()).isPositive();
          // the function reported its own time, a part of the round trip
          assertThat(result.getLatency().hasCloudInferUs()).isTrue();
          assertThat(result.getLatency().getCloudInferUs())
              .isBetween(0L, result.getLatency().getNetworkUs());
        }
        String metrics = AgentFixture.scrape(vertx, agent.httpPort());
        assertThat(AgentFixture.value(metrics, "isthmus_offload_events_total", OFFLOADED))
            .isEqualTo(20);
        assertThat(AgentFixture.value(metrics, "isthmus_offload_events_total", FALLBACK)).isZero();
      } finally {
        AgentFixture.stop(agent);
      }
    }
  }

  @Test
  void theCloudStoppedMidStreamLosesNoEventAndIsUsedAgainWhenBack(Vertx vertx) throws Exception {
    OffloadFunction cloud = cloud(0);
    int port = cloud.port();
    EdgeAgent agent = AgentFixture.start(vertx, config(port), dir);
    try (TestMqttClient mqtt =
        new TestMqttClient(agent.brokerUri(), "isthmus/v1/results/split/#")) {
      Map<Long, Float> expected = new HashMap<>();
      long seq = 0;
      // GIVEN a stream of events offloaded to the cloud
      for (; seq < 20; seq++) {
        expected.put(seq, send(mqtt, "dev-b", seq));
        Thread.sleep(10);
      }
      // WHEN the cloud stops mid-stream
      cloud.close();
      for (int i = 0; i < 30; i++, seq++) {
        expected.put(seq, send(mqtt, "dev-b", seq));
        Thread.sleep(10);
      }
      double fallbacksWhileDown = awaitAtLeast(vertx, agent, FALLBACK, 1);
      // AND comes back on the same port
      cloud = cloud(port);
      double offloadedAtRestart =
          AgentFixture.value(
              AgentFixture.scrape(vertx, agent.httpPort()),
              "isthmus_offload_events_total",
              OFFLOADED);
      double offloadedNow = offloadedAtRestart;
      for (int i = 0; i < 500 && offloadedNow <= offloadedAtRestart; i++, seq++) {
        expected.put(seq, send(mqtt, "dev-b", seq));
        Thread.sleep(20);
        offloadedNow =
            AgentFixture.value(
                AgentFixture.scrape(vertx, agent.httpPort()),
                "isthmus_offload_events_total",
                OFFLOADED);
      }

      // THEN every event got exactly one result, equal to the full model's output
      Map<Long, Integer> answered = new HashMap<>();
      for (int i = 0; i < expected.size(); i++) {
        InferenceResult result = mqtt.nextResult();
        answered.merge(result.getSequence(), 1, Integer::sum);
        assertThat(result.getSummary().getAnomalyScore())
            .isCloseTo(expected.get(result.getSequence()), within(1e-5));
      }
      Thread.sleep(500);
      assertThat(mqtt.pending()).as("results beyond one per event").isZero();
      assertThat(answered.keySet()).isEqualTo(expected.keySet());
      assertThat(answered.values()).containsOnly(1);
      // AND the agent fell back while the cloud was down and offloads again since it is back
      assertThat(fallbacksWhileDown).isPositive();
      assertThat(offloadedNow).isGreaterThan(offloadedAtRestart);
      String metrics = AgentFixture.scrape(vertx, agent.httpPort());
      assertThat(fallbacks(metrics, FallbackReason.CONNECTION)).isPositive();
      double byReason = 0;
      for (FallbackReason reason : FallbackReason.values()) {
        byReason += fallbacks(metrics, reason);
      }
      assertThat(byReason)
          .isEqualTo(AgentFixture.value(metrics, "isthmus_offload_events_total", FALLBACK));
    } finally {
      AgentFixture.stop(agent);
      cloud.close();
    }
  }

  private static double fallbacks(String metrics, FallbackReason reason) {
    return AgentFixture.value(
        metrics,
        "isthmus_offload_fallbacks_total",
        "pipeline=\"split\",reason=\"" + reason.tag() + "\"");
  }

  /** Waits until the fallback counter reaches {@code min}; returns its value. */
  private static double awaitAtLeast(Vertx vertx, EdgeAgent agent, String labels, double min)
      throws Exception {
    double value = 0;
    for (int i = 0; i < 200 && value < min; i++) {
      value =
          AgentFixture.value(
              AgentFixture.scrape(vertx, agent.httpPort()), "isthmus_offload_events_total", labels);
      Thread.sleep(50);
    }
    return value;
  }

  /** Publishes one event of 8 values made from its sequence number; returns the expected score. */
  private static float send(TestMqttClient mqtt, String device, long seq) throws Exception {
    float[] values = new float[TinySplitModel.WIDTH];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) Math.sin(seq * 0.7 + i);
    }
    String json =
        IntStream.range(0, values.length)
            .mapToObj(i -> String.format(Locale.ROOT, "%.6f", values[i]))
            .collect(Collectors.joining(","));
    float[] parsed = new float[values.length];
    String[] parts = json.split(",");
    for (int i = 0; i < parts.length; i++) {
      parsed[i] = Float.parseFloat(parts[i]);
    }
    mqtt.publish(
        "sensors/" + device + "/feat",
        "{\"ts\": "
            + System.currentTimeMillis()
            + ", \"seq\": "
            + seq
            + ", \"values\": ["
            + json
            + "]}");
    return full.run(Map.of("x", Tensor.ofFloats(new long[] {1, TinySplitModel.WIDTH}, parsed)))
        .get("y")
        .toFloatArray()[0];
  }
}
