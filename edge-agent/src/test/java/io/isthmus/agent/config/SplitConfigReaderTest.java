package io.isthmus.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.agent.config.SplitSettings.BreakerSettings;
import io.isthmus.agent.config.SplitSettings.Candidate;
import io.isthmus.agent.config.SplitSettings.Policy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SplitConfigReaderTest {
  private static final Path EXAMPLE = Path.of("config/example-split.yaml");

  @Test
  void exampleParsesWithEveryValueAsWritten() {
    SplitSettings split =
        AgentConfigReader.read(EXAMPLE).pipelines().get(0).model().split().orElseThrow();

    assertThat(split.endpoint()).isEqualTo(URI.create("http://127.0.0.1:8000"));
    assertThat(split.token()).isEmpty();
    assertThat(split.deadline()).isEqualTo(Duration.ofMillis(250));
    assertThat(split.candidates())
        .containsExactly(
            new Candidate(Path.of("/tmp/split/head.onnx"), "tail", Optional.empty(), 0));
    assertThat(split.policy()).isEqualTo(Policy.ADAPTIVE);
    assertThat(split.breaker()).isEqualTo(new BreakerSettings(3, 0.5, 20, Duration.ofSeconds(5)));
    assertThat(split.probeInterval()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aCandidateTakesItsCloudTimeFromPlanJson(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("plan.json"),
        """
        {"schemaVersion": 1, "candidates": [
          {"index": 0, "kind": "all-edge", "cloudMs": 0.0},
          {"index": 1, "kind": "all-cloud", "cloudMs": 2.8},
          {"index": 2, "kind": "split", "cloudMs": 1.25}]}
        """);
    String yaml =
        pipeline(
            "{remote: {url: 'http://x:1'}, plan: plan.json, candidates: [{head: h.onnx, model: t, plan: 2}]}");

    SplitSettings split =
        AgentConfigReader.parse(yaml, dir).pipelines().get(0).model().split().orElseThrow();

    assertThat(split.candidates().get(0).cloudMs()).isEqualTo(1.25);
    assertThatThrownBy(() -> AgentConfigReader.parse(yaml.replace("plan: 2", "plan: 1"), dir))
        .hasMessageContaining(
            "pipelines[0].model.split.candidates[0].plan: 1 is not a split candidate of"
                + " pipelines[0].model.split.plan, expected one of [2]");
  }

  @Test
  void aPipelineWithoutSplitHasNone() {
    assertThat(
            AgentConfigReader.read(Path.of("config/example.yaml"))
                .pipelines()
                .get(0)
                .model()
                .split())
        .isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{remote: {url: 'ftp://x'}, candidates: [{head: h.onnx, model: t}]}"
            + "|pipelines[0].model.split.remote.url: \"ftp://x\" is not an http:// or https:// URL",
        "{remote: {url: 'http://x:1'}}"
            + "|pipelines[0].model.split.candidates: missing, expected a list of cuts",
        "{remote: {url: 'http://x:1'}, candidates: [{head: h.onnx}]}"
            + "|pipelines[0].model.split.candidates[0].model: missing, expected the tail's model name",
        "{remote: {url: 'http://x:1', deadline: 0ms}, candidates: [{head: h.onnx, model: t}]}"
            + "|pipelines[0].model.split.remote.deadline: PT0S is not between 1ms and 1m",
        "{remote: {url: 'http://x:1'}, candidates: [{head: h.onnx, model: t}], policy: never}"
            + "|pipelines[0].model.split.policy: \"never\" is not one of [adaptive, always]",
        "{remote: {url: 'http://x:1'}, candidates: [{head: h.onnx, model: t}], breaker: {errorRate: 2}}"
            + "|pipelines[0].model.split.breaker.errorRate: 2.0 is not in (0, 1]",
      })
  void badValuesNameTheKeyAndWhatIsExpected(String split, String message) {
    assertThatThrownBy(() -> AgentConfigReader.parse(pipeline(split), Path.of("/etc/isthmus")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  private static String pipeline(String split) {
    return "broker: {embedded: {enabled: true, port: 0}}\n"
        + "pipelines:\n"
        + "  - name: p\n"
        + "    pre: [{window: {size: 8}}]\n"
        + "    model: {path: m.onnx, split: "
        + split
        + "}\n";
  }
}
