package io.isthmus.partitioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isthmus.partitioner.testing.TestGraphs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizeCommandTest {
  @TempDir Path dir;

  @Test
  void quantizesWritesTheModelAndReportsAgreementAndSensitivity() throws Exception {
    Path model = dir.resolve("mlp.onnx");
    Files.write(model, io.isthmus.partitioner.quantize.QuantizeTestModels.mlp().toByteArray());
    Path out = dir.resolve("mlp-int8.onnx");
    Path report = dir.resolve("report.json");

    CommandRun run =
        CommandRun.quantize(
            model.toString(),
            "--out",
            out.toString(),
            "--mode",
            "static",
            "--runs",
            "3",
            "--metric",
            "cosine",
            "--report",
            report.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(out).isNotEmptyFile();
    assertThat(run.out())
        .contains("quantized nodes  {Gemm=1, MatMul=1}")
        .contains("agreement        cosine");
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.get("metric").asText()).isEqualTo("COSINE");
    assertThat(json.get("heldOutSamples").asInt()).isEqualTo(4);
    assertThat(json.get("sensitivity")).hasSize(2);
    assertThat(json.get("calibrationAgreement").asDouble()).isGreaterThan(0.99);
  }

  @Test
  void excludeWorstKeepsTheMostSensitiveNodesFloat() throws Exception {
    Path model = dir.resolve("mlp.onnx");
    Files.write(model, io.isthmus.partitioner.quantize.QuantizeTestModels.mlp().toByteArray());
    Path report = dir.resolve("report.json");
    CommandRun all =
        CommandRun.quantize(
            model.toString(),
            "--out",
            dir.resolve("all.onnx").toString(),
            "--mode",
            "static",
            "--runs",
            "2",
            "--report",
            report.toString());
    assertThat(all.exitCode()).as(all.err()).isZero();
    String worst =
        new ObjectMapper().readTree(report.toFile()).get("sensitivity").get(0).get("node").asText();

    Path out = dir.resolve("worst-float.onnx");
    CommandRun run =
        CommandRun.quantize(
            model.toString(),
            "--out",
            out.toString(),
            "--mode",
            "static",
            "--runs",
            "2",
            "--exclude-worst",
            "1");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("--exclude-worst 1: keeping [" + worst + "] float");
    assertThat(run.out()).containsPattern("quantized nodes  \\{(Gemm|MatMul)=1\\}");
    // the kept node reads its float weights (its activation input may still come through a pair)
    var graph = io.isthmus.partitioner.graph.OnnxModelFile.read(out).getGraph();
    var kept =
        graph.getNodeList().stream()
            .filter(n -> n.getName().equals(worst))
            .findFirst()
            .orElseThrow();
    assertThat(kept.getInputList().subList(1, kept.getInputCount()))
        .isNotEmpty()
        .noneMatch(i -> i.contains("quantized"));

    CommandRun negative =
        CommandRun.quantize(model.toString(), "--out", out.toString(), "--exclude-worst", "-1");
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.err()).contains("--exclude-worst is -1");
  }

  @Test
  void aFileThatIsNoOnnxModelIsRefusedWithItsOwnExitCode() throws Exception {
    Path text = dir.resolve("notes.onnx");
    Files.writeString(text, "this is not a model");
    CommandRun run =
        CommandRun.quantize(text.toString(), "--out", dir.resolve("o.onnx").toString());
    assertThat(run.exitCode()).isEqualTo(10);
    assertThat(run.err()).contains("is not an ONNX model");
  }

  @Test
  void anExcludedNodeTheModelLacksIsABadInput() throws Exception {
    CommandRun run = quantizeChain("--exclude", "Conv_7");
    assertThat(run.exitCode()).isEqualTo(15);
    assertThat(run.err()).contains("--exclude names [Conv_7]");
  }

  @Test
  void outAndMeasureAreExclusive() throws Exception {
    Path model = chainModel();
    CommandRun run = CommandRun.quantize(model.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("exactly one of --out");
  }

  @Test
  void simAndCalibrationAreExclusive() throws Exception {
    CommandRun run = quantizeChain("--sim", "vibration", "--calibration", dir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("at most one of --sim PROFILE").contains("--calibration DIR");
  }

  @Test
  void pipelineWithoutSimIsAUsageError() throws Exception {
    CommandRun run = quantizeChain("--pipeline", "a.yaml");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--pipeline CONFIG goes with --sim PROFILE");
  }

  @Test
  void inputShapesDoNotGoWithSim() throws Exception {
    CommandRun run = quantizeChain("--sim", "audio", "--input-shape", "x=1,1280");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--input-shape does not go with --sim");
  }

  @Test
  void simWithoutTheCalibrationModuleSaysWhatIsMissing() throws Exception {
    // the partitioner's own class path has no SimulatedCalibration: the calibration module does
    CommandRun run = quantizeChain("--sim", "vibration");
    assertThat(run.exitCode()).isEqualTo(15);
    assertThat(run.err()).contains("--sim needs the calibration module (isthmus-calibration)");
    assertThat(dir.resolve("o.onnx")).doesNotExist();
  }

  /** {@code model quantize chain.onnx --out o.onnx OPTIONS}. */
  private CommandRun quantizeChain(String... options) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(chainModel().toString(), "--out", dir.resolve("o.onnx").toString()));
    args.addAll(List.of(options));
    return CommandRun.quantize(args.toArray(String[]::new));
  }

  private Path chainModel() throws IOException {
    Path model = dir.resolve("chain.onnx");
    Files.write(model, TestGraphs.chainWithWeights().toByteArray());
    return model;
  }
}
