package io.isthmus.offload.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(String... args) {
    CommandLine command = new CommandLine(new SimulateCommand());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    return command.execute(args);
  }

  @Test
  void comparesAllPoliciesAsJsonOnTheSameRequests() throws IOException {
    int code = execute("--trace", "periodic", "--duration", "20m", "--seed", "4", "--json");

    assertThat(code).isZero();
    JsonNode results = new ObjectMapper().readTree(out.toString());
    assertThat(results).hasSize(3);
    assertThat(results.get(0).get("policy").asText()).isEqualTo("reactive");
    assertThat(results.get(1).get("policy").asText()).isEqualTo("adaptive");
    assertThat(results.get(2).get("policy").asText()).isEqualTo("predictive");
    int served = results.get(0).get("served").asInt();
    assertThat(served).isPositive();
    for (JsonNode r : results) {
      assertThat(r.get("served").asInt()).isEqualTo(served);
      assertThat(r.get("p95Ms").asDouble()).isGreaterThanOrEqualTo(r.get("p50Ms").asDouble());
      assertThat(r.get("p99Ms").asDouble()).isGreaterThanOrEqualTo(r.get("p95Ms").asDouble());
      // 20 minutes of 10 s windows
      assertThat(r.get("timeline")).hasSize(120);
    }
    assertThat(results.get(0).get("costUsd").get("provisioned").asDouble()).isZero();
  }

  @Test
  void replaysACsvTraceAndWritesTableJsonAndChart() throws IOException {
    Path csv = dir.resolve("trace.csv");
    Files.writeString(csv, "seconds\n0.0\n0.5\n30\n");
    Path outDir = dir.resolve("report");

    int code =
        execute(
            "--trace",
            csv.toString(),
            "--duration",
            "60s",
            "--policy",
            "reactive",
            "--service-time",
            "400ms",
            "--service-cv",
            "0",
            "--cold-start",
            "1s",
            "--out",
            outDir.toString());

    assertThat(code).isZero();
    // r0: cold start 1 s + 0.4 s; r1 starts a second instance (concurrency 1): 0.5 s to 1.5, done
    // 1.9;
    // r2 at 30 s finds a warm instance
    assertThat(out.toString()).contains("trace " + csv + ": 3 arrivals in 60 s");
    assertThat(out.toString()).contains("| reactive | 3 | 1400 | 1400 | 1400 | 2 | 2 |");
    assertThat(Files.readString(outDir.resolve("results.md"))).contains("| reactive | 3 |");
    assertThat(new ObjectMapper().readTree(outDir.resolve("results.json").toFile())).hasSize(1);
    String svg = Files.readString(outDir.resolve("chart.svg"));
    assertThat(svg)
        .startsWith("<svg")
        .contains("reactive")
        .contains("<polyline")
        .endsWith("</svg>\n");
  }

  @Test
  void anUnknownPolicyIsAUsageErrorNamingTheChoices() {
    int code = execute("--policy", "magic", "--duration", "1m");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown --policy 'magic'").contains("reactive, adaptive");
  }

  @Test
  void aMissingTraceFileIsAUsageError() {
    int code = execute("--trace", dir.resolve("absent.csv").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("neither a readable CSV file nor one of poisson, bursty");
  }

  @Test
  void aBadDurationSaysWhatIsExpected() {
    int code = execute("--duration", "soon");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration");
  }
}
