package io.isthmus.inference.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
        .containsPattern("  CUDA +no +this ONNX Runtime build has no CUDA provider")
        .containsPattern("  XNNPACK +yes\n")
        .containsPattern("  TFLITE_DELEGATE +no +none configured");
  }

  @Test
  void aConfiguredDelegateLibraryIsChecked(@TempDir Path dir) {
    Path missing = dir.resolve("libedgetpu.so.1");
    StringWriter out = new StringWriter();
    int exit =
        new CommandLine(new EnginesCommand())
            .setOut(new PrintWriter(out))
            .execute("--json", "--tflite-delegate", missing.toString());

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains(
            "{\"name\":\"TFLITE_DELEGATE\",\"available\":false,\"reason\":\"PROVIDER_UNAVAILABLE:"
                + " TFLite delegate library "
                + missing
                + " could not be loaded");
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
        .contains("{\"name\":\"XNNPACK\",\"available\":true,\"reason\":\"\"}")
        .contains(
            "{\"name\":\"TFLITE_DELEGATE\",\"available\":false,\"reason\":\"none configured\"}")
        .endsWith("]}\n");
  }
}
