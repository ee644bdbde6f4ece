package io.isthmus.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.agent.config.PipelineConfig.Decoder;
import io.isthmus.agent.config.PipelineConfig.Overload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentConfigReaderTest {
  private static final Path EXAMPLE = Path.of("config/example.yaml");

  private static final String MINIMAL =
      """
      broker: {embedded: {enabled: true, port: 0}}
      pipelines:
        - name: vibration
          pre: [{window: {size: 256}}]
          model: {path: m.onnx}
      """;

  @Test
  void exampleParsesWithEveryValueAsWritten() {
    AgentConfig config = AgentConfigReader.read(EXAMPLE);

    assertThat(config.gatewayId()).isEqualTo("gateway-1");
    assertThat(config.mqtt().uri()).isEmpty();
    assertThat(config.mqtt().qos()).isEqualTo(1);
    assertThat(config.mqtt().reconnectInitial()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.broker()).isEqualTo(new AgentConfig.BrokerSettings(true, "127.0.0.1", 1883));
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.pipelines()).hasSize(1);
    PipelineConfig p = config.pipelines().get(0);
    assertThat(p.name()).isEqualTo("vibration");
    assertThat(p.topicFilter()).isEqualTo("sensors/+/accel");
    assertThat(p.decoder()).isEqualTo(Decoder.AUTO);
    assertThat(p.pre()).containsExactly(new PreStageConfig.Window(256, 256, 1, 10000));
    assertThat(p.model().path())
        .isEqualTo(
            EXAMPLE.toAbsolutePath().getParent().resolve("../../models/vibration-anomaly.onnx"));
    assertThat(p.model().name()).isEqualTo("vibration-anomaly");
    assertThat(p.post()).isEqualTo(new PostStageConfig.Score(2.5));
    assertThat(p.queue()).isEqualTo(new PipelineConfig.QueueSettings(1024, Overload.DROP_OLDEST));
    assertThat(p.batch()).isEqualTo(new PipelineConfig.BatchSettings(8, Duration.ZERO));
    assertThat(p.result().qos()).isZero();
  }

  @Test
  void defaultsFillWhatIsLeftOut() {
    AgentConfig config = AgentConfigReader.parse(MINIMAL, Path.of("/etc/isthmus"));

    PipelineConfig p = config.pipelines().get(0);
    assertThat(p.stream()).isEqualTo("vibration");
    assertThat(p.topicFilter()).isEqualTo("sensors/+/vibration");
    assertThat(p.model().path()).isEqualTo(Path.of("/etc/isthmus/m.onnx"));
    assertThat(p.model().name()).isEqualTo("m");
    assertThat(p.post()).isEqualTo(new PostStageConfig.Raw());
    assertThat(p.workers()).isEqualTo(1);
    assertThat(config.mqtt().clientId()).isEqualTo("isthmus-agent-gateway-1");
    assertThat(config.mqtt().session()).isEqualTo(AgentConfig.SessionMode.CLEAN);
    assertThat(config.mqtt().offlineBuffer()).isEqualTo(10_000);
    assertThat(config.gatewayLabels()).isEmpty();
  }

  @Test
  void gatewayLabelsAreReadAndBadOnesNamed() {
    AgentConfig config =
        AgentConfigReader.parse(
            "gateway: {id: gw-7, labels: {site: plant-3, rack: 12}}\n" + MINIMAL,
            Path.of("/etc/isthmus"));
    assertThat(config.gatewayLabels())
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("site", "plant-3", "rack", "12"));

    assertThatThrownBy(
            () -> AgentConfigReader.parse("gateway: {labels: [a, b]}\n" + MINIMAL, Path.of("/")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.labels")
        .hasMessageContaining("a list is not a mapping");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    "gateway: {labels: {site: {a: 1}}}\n" + MINIMAL, Path.of("/")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.labels.site");
  }

  @Test
  void durationsTakeEveryUnitSpacesDecimalsIsoAndBareMillis() {
    Function<String, Duration> expiry =
        text ->
            AgentConfigReader.parse(
                    "mqtt: {uri: 'tcp://b:1883', session: persistent, sessionExpiry: "
                        + text
                        + "}\n"
                        + MINIMAL,
                    Path.of("."))
                .mqtt()
                .sessionExpiry();
    assertThat(expiry.apply("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(expiry.apply("'90 s'")).isEqualTo(Duration.ofSeconds(90));
    assertThat(expiry.apply("1.5m")).isEqualTo(Duration.ofSeconds(90));
    assertThat(expiry.apply("PT1M")).isEqualTo(Duration.ofMinutes(1));
    assertThat(expiry.apply("120000")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> expiry.apply("'-5s'"))
        .hasMessage(
            "config error at mqtt.sessionExpiry: \"-5s\" is not a duration (like 250ms, 5s, 2m)");
    assertThatThrownBy(() -> expiry.apply("99999999999999999999s"))
        .hasMessageStartingWith("config error at mqtt.sessionExpiry: ");
  }

  @Test
  void persistentSessionsParseAndBadSessionValuesAreNamed() {
    AgentConfig config =
        AgentConfigReader.parse(
            "mqtt: {uri: 'tcp://b:1883', session: persistent, sessionExpiry: 10m,"
                + " offlineBuffer: 5}\n"
                + MINIMAL,
            Path.of("."));
    assertThat(config.mqtt().session()).isEqualTo(AgentConfig.SessionMode.PERSISTENT);
    assertThat(config.mqtt().sessionExpiry()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.mqtt().offlineBuffer()).isEqualTo(5);

    assertThatThrownBy(
            () -> AgentConfigReader.parse("mqtt: {session: durable}\n" + MINIMAL, Path.of(".")))
        .hasMessage("config error at mqtt.session: \"durable\" is not one of [clean, persistent]");
    assertThatThrownBy(
            () -> AgentConfigReader.parse("mqtt: {offlineBuffer: -1}\n" + MINIMAL, Path.of(".")))
        .hasMessageStartingWith("config error at mqtt.offlineBuffer: -1 is not");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse("mqtt: {sessionExpiry: 1500ms}\n" + MINIMAL, Path.of(".")))
        .hasMessageContaining("mqtt.sessionExpiry")
        .hasMessageContaining("whole seconds");
  }

  @Test
  void twoPipelinesOnOneTopicAreRefused() {
    String yaml =
        MINIMAL
            + "  - name: second\n"
            + "    stream: vibration\n"
            + "    pre: [{window: {size: 128}}]\n"
            + "    model: {path: m.onnx}\n";

    assertThatThrownBy(() -> AgentConfigReader.parse(yaml, Path.of(".")))
        .hasMessage(
            "config error at pipelines[1].topic: \"sensors/+/vibration\" is already the topic of"
                + " pipeline vibration, expected one pipeline per topic");
  }

  @Test
  void stagesParseIntoTheirRecords() {
    String yaml =
        MINIMAL.replace(
                "pre: [{window: {size: 256}}]",
                "pre: [{fields: {names: [temp, rh]}}, {normalize: {min: [0, 10], max: [50, 110]}}]")
            + "    post: {topk: {k: 3}}\n";

    PipelineConfig p = AgentConfigReader.parse(yaml, Path.of(".")).pipelines().get(0);

    assertThat(p.pre())
        .containsExactly(
            new PreStageConfig.Fields(List.of("temp", "rh")),
            new PreStageConfig.Normalize(List.of(0.0, 10.0), List.of(50.0, 100.0), true));
    assertThat(p.post()).isEqualTo(new PostStageConfig.TopK(3, java.util.Optional.empty()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "queue: {capacity: -3}|config error at pipelines[0].queue.capacity: -3 is not a positive integer",
        "queue: {size: 3}|config error at pipelines[0].queue.size: unknown key, expected one of [capacity, overload]",
        "queue: {overload: drop-newest}|config error at pipelines[0].queue.overload: \"drop-newest\" is not one of [drop-oldest, reject]",
        "batch: {maxDelay: soon}|config error at pipelines[0].batch.maxDelay: \"soon\" is not a duration (like 250ms, 5s, 2m)",
        "workers: many|config error at pipelines[0].workers: \"many\" is not an integer",
        "decoder: xml|config error at pipelines[0].decoder: \"xml\" is not one of [auto, json, protobuf]",
        "result: {qos: 2}|config error at pipelines[0].result.qos: 2 is not an integer in [0, 1]",
        "post: {softmax: {}}|config error at pipelines[0].post.softmax: unknown stage, expected one of [argmax, detections, raw, score, topk]",
      })
  void badPipelineValuesNameThePathTheValueAndWhatWasExpected(String line, String message) {
    String yaml = MINIMAL + "    " + line + "\n";

    assertThatThrownBy(() -> AgentConfigReader.parse(yaml, Path.of(".")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{window: {size: -3}}|config error at pipelines[0].pre[0].window.size: -3 is not a positive integer",
        "{window: {size: 8, hop: 9}}|config error at pipelines[0].pre[0].window.hop: 9 is not an integer in [1, 8]",
        "{normalize: {mean: [0]}}|config error at pipelines[0].pre[0].normalize.std: 0 values is not as many as mean (1, at least 1)",
        "{window: {size: 8}}, {normalize: {mean: [0], std: [0]}}|config error at pipelines[0].pre[1].normalize.std[0]: 0.0 is not a positive number",
        "{window: {size: 8}}, {pcm: {}}|config error at pipelines[0].pre[1]: a second source stage is not allowed, expected one of fields, window, image or pcm first, then normalize and stream stages",
        "{stream: {window: 8}}|config error at pipelines[0].pre[0]: normalize or stream as the first stage is not allowed, expected one of fields, window, image or pcm first, then normalize and stream stages",
        "{pcm: {}}, {stream: {hop: 2}}|config error at pipelines[0].pre[1].stream.window: missing, expected a positive integer",
        "{pcm: {}}, {stream: {window: 8, hop: 9}}|config error at pipelines[0].pre[1].stream.hop: 9 is not an integer in [1, 8]",
        "{pcm: {}}, {stream: {window: 8, model: {}}}|config error at pipelines[0].pre[1].stream.model.path: missing, expected a model file path",
        "{image: {layout: HWC}}|config error at pipelines[0].pre[0].image.layout: \"HWC\" is not one of [NCHW, NHWC]",
      })
  void badStagesAreReportedByIndex(String stages, String message) {
    String yaml = MINIMAL.replace("[{window: {size: 256}}]", "[" + stages + "]");

    assertThatThrownBy(() -> AgentConfigReader.parse(yaml, Path.of(".")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void topLevelMistakesAreReported() {
    assertThatThrownBy(() -> AgentConfigReader.parse("mqt: {}\n" + MINIMAL, Path.of(".")))
        .hasMessage(
            "config error at mqt: unknown key, expected one of [broker, gateway, http, mqtt, outbox, pipelines, sync]");
    assertThatThrownBy(() -> AgentConfigReader.parse("http: {port: abc}\n" + MINIMAL, Path.of(".")))
        .hasMessage("config error at http.port: \"abc\" is not an integer");
    assertThatThrownBy(
            () -> AgentConfigReader.parse("mqtt: {uri: 'http://x'}\n" + MINIMAL, Path.of(".")))
        .hasMessage(
            "config error at mqtt.uri: \"http://x\" is not a broker URI like tcp://host:1883");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    MINIMAL.replace("enabled: true", "enabled: false"), Path.of(".")))
        .hasMessage(
            "config error at mqtt.uri: missing, expected a broker URI (or broker.embedded.enabled: true)");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    MINIMAL.replace("model: {path: m.onnx}", "model: {}"), Path.of(".")))
        .hasMessage("config error at pipelines[0].model.path: missing, expected a model file path");
  }

  @Test
  void pipelineNamesMustBeUnique() {
    String yaml =
        MINIMAL
            + "  - name: vibration\n    pre: [{window: {size: 4}}]\n    model: {path: m.onnx}\n";

    assertThatThrownBy(() -> AgentConfigReader.parse(yaml, Path.of(".")))
        .hasMessage(
            "config error at pipelines[1].name: \"vibration\" is not unique among pipelines");
  }
}
