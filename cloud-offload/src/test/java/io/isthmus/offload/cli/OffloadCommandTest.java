package io.isthmus.offload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OffloadCommandTest {
  @TempDir Path dir;

  private record Result(int code, String err) {}

  private static Result run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine command = OffloadCommand.commandLine().setErr(new PrintWriter(err));
    return new Result(command.execute(args), err.toString());
  }

  @Test
  void withoutAModelItIsAUsageError() {
    Result result = run("--port", "0");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("Missing --model NAME[@VERSION]=PATH|URL[#sha256=HEX]");
  }

  @Test
  void aUrlWithoutDigestIsAUsageErrorThatSaysWhatToAppend() {
    Result result = run("--model", "m=https://host/m.onnx", "--port", "0");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("append #sha256=");
  }

  @Test
  void aMissingModelFileFailsTheStartWithItsPath() {
    Path missing = dir.resolve("missing.onnx");

    Result result =
        run("--model", "m=" + missing, "--port", "0", "--cache-dir", dir.resolve("c").toString());

    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err())
        .contains("the function did not start")
        .contains("model m has no file at " + missing);
  }
}
