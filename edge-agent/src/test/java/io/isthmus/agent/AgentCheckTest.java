package io.isthmus.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCheckTest {
  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void fitModel() throws IOException {
    model = AgentFixture.vibrationModel(dir);
  }

  private record Result(int status, String output) {}

  private static Result check(String yaml, boolean connect) throws IOException {
    Path file = Files.createTempFile(dir, "agent", ".yaml");
    Files.writeString(file, yaml);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status =
        new AgentCheck(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(file, connect);
    return new Result(status, bytes.toString(StandardCharsets.UTF_8));
  }

  private static String config(String modelPath, String uri) {
    return "mqtt: {uri: "
        + uri
        + "}\n"
        + "pipelines:\n"
        + "  - name: vibration\n"
        + "    pre: [{window: {size: 256}}]\n"
        + "    model: {path: "
        + modelPath
        + ", version: '7'}\n"
        + "    post: {score: {threshold: 2.5}}\n"
        + "outbox: {dir: "
        + dir.resolve("outbox")
        + "}\n";
  }

  @Test
  void aGoodConfigurationPassesWithoutContactingTheBroker() throws IOException {
    // GIVEN a broker URI where nothing listens
    Result result = check(config(model.toString(), "tcp://127.0.0.1:1"), false);

    // THEN the model was loaded and described, and nothing was contacted
    assertThat(result.status()).as(result.output()).isZero();
    assertThat(result.output())
        .contains("ok   config ")
        .contains("ok   pipeline vibration: model vibration-anomaly v7")
        .contains("inputs [window float32[-1,256]], outputs [score float32[-1,1]]")
        .contains("ok   outbox: " + dir.resolve("outbox") + " (created on start)")
        .contains("tcp://127.0.0.1:1 (not contacted")
        .endsWith("check passed" + System.lineSeparator());
  }

  @Test
  void aMissingModelFailsNamingThePipelineAndTheFile() throws IOException {
    Result result = check(config(dir.resolve("nope.onnx").toString(), "tcp://127.0.0.1:1"), false);

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.output())
        .contains("FAIL pipeline vibration: ")
        .contains("nope.onnx")
        .contains("check failed: 1 problem(s)");
  }

  @Test
  void aBadKeyFailsBeforeAnyModelIsLoaded() throws IOException {
    Result result = check(config(model.toString(), "tcp://127.0.0.1:1") + "colour: blue\n", false);

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.output())
        .startsWith("FAIL config ")
        .contains("colour")
        .contains("unknown key")
        .doesNotContain("pipeline vibration");
  }

  @Test
  void connectReportsABrokerThatRefuses() throws IOException {
    // GIVEN nothing listens on port 1
    Result result = check(config(model.toString(), "tcp://127.0.0.1:1"), true);

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.output())
        .contains("ok   pipeline vibration")
        .contains("FAIL mqtt: tcp://127.0.0.1:1: ");
  }
}
