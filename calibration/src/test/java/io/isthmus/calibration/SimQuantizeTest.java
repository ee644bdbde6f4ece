package io.isthmus.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.inference.testing.TestModels;
import io.isthmus.partitioner.cli.PlanCommand;
import io.isthmus.partitioner.cli.QuantizeCommand;
import io.isthmus.partitioner.graph.OnnxModelFile;
import io.isthmus.partitioner.plan.PartitionPlan;
import io.isthmus.partitioner.profile.Profiler;
import io.isthmus.partitioner.profile.Profiles;
import io.isthmus.partitioner.quantize.ActivationRange;
import io.isthmus.partitioner.quantize.Agreement;
import io.isthmus.partitioner.quantize.CalibrationInputs;
import io.isthmus.partitioner.quantize.Calibrator;
import io.isthmus.partitioner.quantize.QuantizationReport;
import io.isthmus.partitioner.quantize.QuantizeOptions;
import io.isthmus.partitioner.quantize.QuantizeOptions.Mode;
import io.isthmus.partitioner.quantize.Quantizer;
import io.isthmus.partitioner.quantize.SimulatedCalibration.Request;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.TensorData;
import io.isthmus.sim.model.VibrationAnomalyModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Static quantization calibrated on simulated sensor readings against calibration on synthetic
 * uniform inputs, on the demo's vibration anomaly model, and the {@code --sim} command line.
 */
class SimQuantizeTest {
  private static final QuantizeOptions STATIC =
      new QuantizeOptions(
          Mode.STATIC,
          true,
          false,
          QuantizeOptions.CalibrationMethod.MIN_MAX,
          QuantizeOptions.DEFAULT_PERCENTILE,
          QuantizeOptions.DynamicForm.INTEGER,
          Set.of());

  @TempDir Path dir;

  @Test
  void simCalibrationTakesTheSensorsRangeWhereSyntheticInputsStayInZeroToOne() throws Exception {
    Path file = SimulatorCalibrationTest.vibrationModel(dir);
    ModelProto model = OnnxModelFile.read(file);
    List<ValueInfoProto> inputs = CalibrationInputs.inputs(model.getGraph());
    List<Map<String, TensorData>> simCalibration =
        new SimulatorCalibration()
            .samples(file, inputs, new Request("vibration", 32, 1, Optional.empty()))
            .samples();
    List<Map<String, TensorData>> synthetic =
        CalibrationInputs.synthetic(inputs, InputShapes.NONE, 32, 0);

    // the window itself is quantized at the DFT MatMuls: its range is the sensor's, about +-1.5 g,
    // against [0, 1) for synthetic inputs, which would clip every negative acceleration to 0
    Quantizer bySim = Quantizer.prepare(model, STATIC, simCalibration);
    assertThat(bySim.plan().activations()).contains(VibrationAnomalyModel.INPUT);
    ActivationRange simRange = inputRange(bySim, simCalibration);
    ActivationRange syntheticRange =
        inputRange(Quantizer.prepare(model, STATIC, synthetic), synthetic);
    System.out.printf(
        "window range: sim [%.3f, %.3f], synthetic [%.3f, %.3f]%n",
        simRange.min(), simRange.max(), syntheticRange.min(), syntheticRange.max());
    assertThat(simRange.min()).isLessThan(-1);
    assertThat(simRange.max()).isGreaterThan(1);
    assertThat(syntheticRange.min()).isGreaterThanOrEqualTo(0);
    assertThat(syntheticRange.max()).isLessThan(1);
  }

  @Test
  void theWakeWordEmbeddingCalibratedOnTheChainsMelFramesAgreesWhereSyntheticDoesNot()
      throws Exception {
    Path file = TestModels.require("oww-embedding");
    TestModels.require("oww-melspectrogram");
    Path config = SimulatorCalibrationTest.demoConfig("demo-wakeword.yaml", dir);
    ModelProto model = OnnxModelFile.read(file);
    List<ValueInfoProto> inputs = CalibrationInputs.inputs(model.getGraph());
    SimulatorCalibration sim = new SimulatorCalibration();
    List<Map<String, TensorData>> simCalibration =
        sim.samples(file, inputs, new Request("audio", 16, 1, Optional.of(config))).samples();
    List<Map<String, TensorData>> heldOut =
        sim.samples(file, inputs, new Request("audio", 8, 100_001, Optional.of(config))).samples();
    List<Map<String, TensorData>> synthetic =
        CalibrationInputs.synthetic(inputs, InputShapes.NONE, 16, 0);

    double bySim = heldOutCosine(model, simCalibration, heldOut);
    double bySynthetic = heldOutCosine(model, synthetic, heldOut);
    System.out.printf(
        "oww-embedding static int8, cosine on held-out simulated audio: calibrated on --sim"
            + " %.4f, on synthetic inputs %.4f%n",
        bySim, bySynthetic);
    assertThat(bySim).isGreaterThan(0.99);
    assertThat(1 - bySynthetic).isGreaterThan(5 * (1 - bySim));
  }

  @Test
  void theCommandLineQuantizesOnSimulatedReadings() throws Exception {
    Path model = SimulatorCalibrationTest.vibrationModel(dir);
    Path out = dir.resolve("vibration-int8.onnx");
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    CommandLine line = QuantizeCommand.commandLine();
    line.setOut(new PrintWriter(stdout));
    line.setErr(new PrintWriter(stderr));

    int code =
        line.execute(
            model.toString(),
            "--out",
            out.toString(),
            "--mode",
            "static",
            "--sim",
            "vibration",
            "--sim-samples",
            "8",
            "--runs",
            "2");

    assertThat(code).as(stderr.toString()).isZero();
    assertThat(stdout.toString())
        .contains("--sim vibration: 8 calibration and 2 held-aside input sets (seed 1)")
        .contains("vibration -> window 256 -> window[1, 256]");
    assertThat(out).isNotEmptyFile();
  }

  @Test
  void thePlanJudgesAnInt8HeadOnSimulatedReadingsWhereSyntheticInputsWouldPassIt()
      throws Exception {
    // GIVEN openWakeWord's embedding quantized on synthetic inputs, and both models profiled
    Path file = TestModels.require("oww-embedding");
    TestModels.require("oww-melspectrogram");
    Path config = SimulatorCalibrationTest.demoConfig("demo-wakeword.yaml", dir);
    ModelProto model = OnnxModelFile.read(file);
    List<Map<String, TensorData>> synthetic =
        CalibrationInputs.synthetic(
            CalibrationInputs.inputs(model.getGraph()), InputShapes.NONE, 16, 0);
    Path int8 = dir.resolve("oww-int8-synthetic.onnx");
    java.nio.file.Files.write(
        int8, Quantizer.prepare(model, STATIC, synthetic).quantize().toByteArray());
    Path edge = dir.resolve("edge.json");
    Path edgeInt8 = dir.resolve("edge-int8.json");
    Profiles.write(
        new Profiler(new Profiler.Settings(3, 1, 1, "basic", Map.of())).profile(file, "gw"), edge);
    Profiles.write(
        new Profiler(new Profiler.Settings(3, 1, 1, "extended", Map.of())).profile(int8, "gw"),
        edgeInt8);

    // WHEN the plan weighs int8 heads on synthetic inputs, then on the chain's simulated audio
    List<String> args =
        List.of(
            file.toString(),
            "--edge-profile",
            edge.toString(),
            "--cloud-speed-factor",
            "8",
            "--network",
            "bw=20mbit,rtt=40ms",
            "--int8-model",
            int8.toString(),
            "--int8-edge-profile",
            edgeInt8.toString(),
            "--min-agreement",
            "0.95",
            "--out");
    PartitionPlan bySynthetic = plan(args, dir.resolve("synthetic.json"));
    PartitionPlan bySim =
        plan(
            args,
            dir.resolve("sim.json"),
            "--sim",
            "audio",
            "--pipeline",
            config.toString(),
            "--sim-samples",
            "8");

    // THEN synthetic inputs pass the int8 head, the gateway's real inputs do not
    double syntheticAgreement = int8AllEdge(bySynthetic).agreement();
    double simAgreement = int8AllEdge(bySim).agreement();
    System.out.printf(
        "oww-embedding int8 (synthetic calibration) all-edge agreement: synthetic inputs %.4f,"
            + " --sim audio %.4f%n",
        syntheticAgreement, simAgreement);
    assertThat(syntheticAgreement).isGreaterThan(0.99);
    assertThat(simAgreement).isLessThan(0.95);
    assertThat(bySim.warnings())
        .anyMatch(w -> w.contains("agreement is cosine on 8 simulated (--sim audio) inputs"));
    assertThat(bySim.chosen().precision()).isEqualTo("float");
  }

  private static PartitionPlan plan(List<String> args, Path out, String... extra) throws Exception {
    List<String> all = new java.util.ArrayList<>(args);
    all.add(out.toString());
    all.addAll(List.of(extra));
    StringWriter stderr = new StringWriter();
    CommandLine line = new CommandLine(new PlanCommand());
    line.setOut(new PrintWriter(new StringWriter()));
    line.setErr(new PrintWriter(stderr));
    int code = line.execute(all.toArray(String[]::new));
    assertThat(code).as(stderr.toString()).isZero();
    return PartitionPlan.read(out);
  }

  private static PartitionPlan.Candidate int8AllEdge(PartitionPlan plan) {
    return plan.candidates().stream()
        .filter(c -> c.int8() && c.kind().equals("all-edge"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void anUnknownProfileOnTheCommandLineIsABadInput() throws Exception {
    Path model = SimulatorCalibrationTest.vibrationModel(dir);
    StringWriter stderr = new StringWriter();
    CommandLine line = QuantizeCommand.commandLine();
    line.setOut(new PrintWriter(new StringWriter()));
    line.setErr(new PrintWriter(stderr));

    int code =
        line.execute(
            model.toString(), "--out", dir.resolve("o.onnx").toString(), "--sim", "thermal");

    assertThat(code).isEqualTo(15);
    assertThat(stderr.toString())
        .contains("unknown simulator profile 'thermal', expected one of [vibration,");
  }

  private static ActivationRange inputRange(
      Quantizer quantizer, List<Map<String, TensorData>> calibration) throws Exception {
    return Calibrator.ranges(
            quantizer.prepared(),
            Set.of(VibrationAnomalyModel.INPUT),
            calibration,
            QuantizeOptions.CalibrationMethod.MIN_MAX,
            100)
        .get(VibrationAnomalyModel.INPUT);
  }

  /** Cosine agreement with the float model on {@code heldOut} after calibrating on the rest. */
  private static double heldOutCosine(
      ModelProto model,
      List<Map<String, TensorData>> calibration,
      List<Map<String, TensorData>> heldOut)
      throws Exception {
    Quantizer quantizer = Quantizer.prepare(model, STATIC, calibration);
    return QuantizationReport.measure(
            model,
            quantizer.quantize(),
            quantizer,
            calibration,
            heldOut,
            Agreement.COSINE,
            new QuantizationReport.Settings(1, 1, 2, false, 0))
        .heldOutAgreement();
  }
}
