package io.isthmus.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.isthmus.sim.run.MqttVersion;
import io.isthmus.sim.run.PayloadFormat;
import io.isthmus.sim.run.SimulationConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimCommandTest {

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = SimCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  record Result(int code, String out, String err) {}

  @Test
  void badFlagsGiveAClearError() {
    Result unknown = run("run", "--devcies", "3");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err())
        .contains("Unknown options: '--devcies'")
        .contains("Possible solutions: --devices");

    Result profile = run("run", "--profile", "sonar");
    assertThat(profile.code()).isEqualTo(2);
    assertThat(profile.err()).contains("--profile").contains("sonar").contains("VIBRATION");

    Result qos = run("run", "--qos", "2");
    assertThat(qos.code()).isEqualTo(2);
    assertThat(qos.err()).contains("qos is 2, expected 0 or 1");

    Result duration = run("run", "--duration", "soon");
    assertThat(duration.code()).isEqualTo(2);
    assertThat(duration.err()).contains("'soon' is not a duration");

    Result version = run("run", "--mqtt-version", "4");
    assertThat(version.code()).isEqualTo(2);
    assertThat(version.err()).contains("MQTT version is '4', expected 3 (3.1.1) or 5");

    assertThat(run().code()).isEqualTo(2);
  }

  @Test
  void gatewaysRefusesBadFlagsBeforeConnecting(@TempDir Path dir) throws Exception {
    Result noKeys = run("gateways", "--count", "3");
    assertThat(noKeys.code()).isEqualTo(2);
    assertThat(noKeys.err()).contains("Missing required option: '--trusted=<trusted>'");

    Result missing = run("gateways", "--trusted", dir.resolve("none.pem").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--trusted").contains("none.pem");

    io.isthmus.protocol.manifest.SigningKey.generate().writeTo(dir);
    String pem = dir.resolve("public.pem").toString();
    Result spread = run("gateways", "--trusted", pem, "--label-spread", "ring");
    assertThat(spread.code()).isEqualTo(2);
    assertThat(spread.err()).contains("label spread 'ring' is not KEY=VALUE[:WEIGHT]");

    Result mode = run("gateways", "--trusted", pem, "--fail-version", "2.*", "--fail-mode", "slow");
    assertThat(mode.code()).isEqualTo(2);
    assertThat(mode.err()).contains("--fail-mode").contains("slow").contains("LATENCY");

    Result fraction =
        run("gateways", "--trusted", pem, "--fail-version", "2.*", "--fail-fraction", "2");
    assertThat(fraction.code()).isEqualTo(2);
    assertThat(fraction.err()).contains("fail fraction is 2.0, expected 0 to 1");
  }

  @Test
  void flagsMapOntoTheConfig() {
    RunCommand cmd = new RunCommand();
    new CommandLine(cmd)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .parseArgs(
            "--broker",
            "tcp://10.0.0.2:1884",
            "--devices",
            "3",
            "--rate",
            "50",
            "--duration",
            "1.5s",
            "--load",
            "ramp",
            "--rate-end",
            "150",
            "--qos",
            "1",
            "--mqtt-version",
            "5",
            "--format",
            "protobuf",
            "--seed",
            "9",
            "--fault-rate",
            "0.25",
            "--drain",
            "500ms");
    SimulationConfig c = cmd.config();
    assertThat(c.brokerUri()).isEqualTo("tcp://10.0.0.2:1884");
    assertThat(c.devices()).isEqualTo(3);
    assertThat(c.deviceId(2)).isEqualTo("sim-2");
    assertThat(c.duration()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.drainTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.load().describe()).isEqualTo("ramp(50/s -> 150/s)");
    assertThat(c.qos()).isEqualTo(1);
    assertThat(c.mqttVersion()).isEqualTo(MqttVersion.V5);
    assertThat(c.format()).isEqualTo(PayloadFormat.PROTOBUF);
    assertThat(c.seed()).isEqualTo(9);
    assertThat(c.profile().name()).isEqualTo("vibration");
    assertThat(c.resultFilter()).isEqualTo("isthmus/v1/results/+/+");
  }

  @Test
  void fitModelWritesAnOnnxFile(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("vib.onnx");
    Result r = run("fit-model", "--out", out.toString(), "--windows", "200");
    assertThat(r.code()).isEqualTo(0);
    ModelProto model = ModelProto.parseFrom(Files.readAllBytes(out));
    assertThat(model.getGraph().getInput(0).getName()).isEqualTo("window");
    assertThat(model.getGraph().getOutput(0).getName()).isEqualTo("score");
  }
}
