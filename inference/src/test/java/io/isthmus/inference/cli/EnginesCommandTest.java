package io.isthmus.inference.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EnginesCommandTest {

  @Test
  void textListsEachEngineItsVersionAndProviders() {
    StringWriter out = new StringWriter();
    int exit = new CommandLine(new EnginesCommand()).setOut(new PrintWriter(out)).execute();

    assertThat(exit).isZero();
    assertThat(out.toString())
        .containsPattern("onnxruntime +1\\.23\\.2 +available")
        .containsPattern("tflite +2\\.6\\.2 +available")
        .contains("providers: [CPU]", "providers: [CPU, XNNPACK]")
        .containsPattern("no (CUDA|XNNPACK): ");
  }

  @Test
  void jsonHasOneObjectPerEngine() {
    StringWriter out = new StringWriter();
    int exit = new CommandLine(new EnginesCommand()).setOut(new PrintWriter(out)).execute("--json");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .startsWith(
            "{\"engines\":[{\"name\":\"onnxruntime\",\"version\":\"1.23.2\",\"available\":true")
        .contains("{\"name\":\"tflite\",\"version\":\"2.6.2\",\"available\":true")
        .contains("\"providers\":[\"CPU\",\"XNNPACK\"]")
        .endsWith("]}\n");
  }
}
