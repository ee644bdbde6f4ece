package io.isthmus.partitioner.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.graph.OnnxModelFile;
import io.isthmus.partitioner.quantize.Agreement;
import io.isthmus.partitioner.quantize.CalibrationInputs;
import io.isthmus.partitioner.quantize.QuantizationReport;
import io.isthmus.partitioner.quantize.QuantizeOptions;
import io.isthmus.partitioner.quantize.QuantizeOptions.CalibrationMethod;
import io.isthmus.partitioner.quantize.QuantizeOptions.DynamicForm;
import io.isthmus.partitioner.quantize.QuantizeOptions.Mode;
import io.isthmus.partitioner.quantize.Quantizer;
import io.isthmus.partitioner.quantize.SimulatedCalibration;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.TensorData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code model quantize MODEL --out OUT}: post-training int8 quantization in the QDQ format, then a
 * report comparing the result with the float model (size, latency, agreement, sensitivity).
 */
@Command(
    name = "model quantize",
    mixinStandardHelpOptions = true,
    version = "isthmus model quantize 0.1.0",
    description =
        "Quantize an ONNX model to int8 (QuantizeLinear/DequantizeLinear around weights, and in"
            + " static mode around calibrated activations) and compare it with the float model.")
public final class QuantizeCommand implements Callable<Integer> {
  // held-aside readings come from the same profile with an unrelated seed (per-device seeds are
  // mixed from it), so they are other readings than the calibration ones
  private static final long HELD_OUT_SEED_OFFSET = 100_000;

  @Spec CommandSpec spec;

  @Mixin InputShapeOption inputShapes;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The float ONNX model.")
  Path model;

  @Option(names = "--out", paramLabel = "OUT", description = "Where to write the quantized model.")
  Path out;

  @Option(
      names = "--measure",
      paramLabel = "QMODEL",
      description =
          "Quantize nothing: measure QMODEL, a model quantized elsewhere, against MODEL on the same"
              + " inputs (size, latency, agreement).")
  Path measure;

  @Option(
      names = "--mode",
      defaultValue = "dynamic",
      description =
          "dynamic (weights only) or static (weights and calibrated activations). Default: ${DEFAULT-VALUE}.")
  Mode mode;

  @Option(
      names = "--calibration",
      paramLabel = "DIR",
      description =
          "Calibration inputs: one .npy or raw file per sample (one-input models), or one subfolder"
              + " per sample with a file per input. Every 4th sample is held aside to measure"
              + " agreement. Without it or --sim, seeded synthetic inputs are used.")
  Path calibration;

  @Mixin SimulatorOption sim;

  @Option(
      names = "--held-out",
      paramLabel = "DIR",
      description = "Held-aside inputs, laid out as --calibration.")
  Path heldOut;

  @Option(
      names = "--samples",
      defaultValue = "16",
      description =
          "Synthetic calibration samples when neither --calibration nor --sim is given (and a quarter as many held aside). Default: ${DEFAULT-VALUE}.")
  int samples;

  @Option(
      names = "--per-channel",
      description = "One weight scale per output channel (Conv, MatMul, Gemm).")
  boolean perChannel;

  @Option(
      names = "--int8-activations",
      description = "int8 instead of uint8 activations (static mode).")
  boolean signedActivations;

  @Option(
      names = "--calibrate",
      defaultValue = "min_max",
      description = "min_max or percentile. Default: ${DEFAULT-VALUE}.")
  CalibrationMethod method;

  @Option(
      names = "--percentile",
      defaultValue = "99.999",
      description = "Percentile kept by --calibrate percentile. Default: ${DEFAULT-VALUE}.")
  double percentile;

  @Option(
      names = "--dynamic-form",
      defaultValue = "integer",
      description =
          "How dynamic mode runs MatMul/Gemm: integer (DynamicQuantizeLinear + MatMulInteger) or qdq (int8 weight, float product). Default: ${DEFAULT-VALUE}.")
  DynamicForm dynamicForm;

  @Option(
      names = "--exclude",
      split = ",",
      paramLabel = "OP|NODE",
      description = "Op types or node ids to leave in float, comma-separated or repeated.")
  List<String> exclude = new ArrayList<>();

  @Option(
      names = "--metric",
      description =
          "Agreement metric: top1, cosine or box_iou. Default: top1 for one [N, C] output, else cosine.")
  Agreement metric;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description =
          "ONNX Runtime intra-op threads for the latency runs. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(
      names = "--runs",
      defaultValue = "50",
      description = "Timed runs per model. Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Write the report, with every node's sensitivity, as JSON to FILE.")
  Path report;

  @Option(
      names = "--exclude-worst",
      paramLabel = "K",
      defaultValue = "0",
      description =
          "Keep the K nodes float whose quantization alone hurts the outputs most (the sensitivity"
              + " report's worst, on 4 calibration samples), then quantize the rest. Default:"
              + " ${DEFAULT-VALUE}.")
  int excludeWorst;

  @Option(
      names = "--worst",
      defaultValue = "10",
      description = "Sensitive nodes to print. Default: ${DEFAULT-VALUE}.")
  int worst;

  @Override
  public Integer call() throws PartitionException {
    PrintWriter stdout = spec.commandLine().getOut();
    if ((out == null) == (measure == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Give exactly one of --out OUT (quantize) and --measure QMODEL");
    }
    sim.check(spec, calibration != null, !inputShapes.specs.isEmpty());
    if (excludeWorst < 0 || excludeWorst > 0 && measure != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          excludeWorst < 0
              ? "--exclude-worst is " + excludeWorst + ", expected 0 or more"
              : "--exclude-worst quantizes; it does not go with --measure");
    }
    ModelProto original = OnnxModelFile.read(model);
    InputShapes shapes = inputShapes.shapes();
    List<ValueInfoProto> inputs = CalibrationInputs.inputs(original.getGraph());
    List<Map<String, TensorData>> calibrationSets;
    List<Map<String, TensorData>> heldOutSets;
    try {
      if (sim.given()) {
        SimulatedCalibration.Samples made = sim.make(model, inputs, sim.samples, 0);
        calibrationSets = made.samples();
        heldOutSets =
            sim.make(model, inputs, Math.max(1, sim.samples / 4), HELD_OUT_SEED_OFFSET).samples();
        stdout.printf(
            "--sim %s: %d calibration and %d held-aside input sets (seed %d): %s%n",
            sim.profile, calibrationSets.size(), heldOutSets.size(), sim.seed, made.description());
      } else if (calibration != null) {
        List<Map<String, TensorData>> all = CalibrationInputs.read(calibration, inputs, shapes);
        calibrationSets = new ArrayList<>();
        heldOutSets = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          (heldOut == null && all.size() >= 4 && i % 4 == 3 ? heldOutSets : calibrationSets)
              .add(all.get(i));
        }
      } else {
        calibrationSets = CalibrationInputs.synthetic(inputs, shapes, samples, 0);
        heldOutSets =
            CalibrationInputs.synthetic(inputs, shapes, Math.max(1, samples / 4), 100_000);
        stdout.printf("no --calibration: %d synthetic input sets (seeded)%n", samples);
      }
    } catch (IllegalArgumentException e) {
      throw new PartitionException(
          Code.BAD_INPUT,
          e.getMessage() + (sim.given() ? " (--sim " + sim.profile + ")" : " (--calibration DIR)"),
          e);
    }
    if (heldOut != null) {
      heldOutSets = CalibrationInputs.read(heldOut, inputs, shapes);
    }
    QuantizeOptions options =
        new QuantizeOptions(
            mode,
            perChannel,
            signedActivations,
            method,
            percentile,
            dynamicForm,
            new LinkedHashSet<>(exclude));
    Quantizer quantizer = null;
    ModelProto quantized;
    if (measure != null) {
      quantized = OnnxModelFile.read(measure);
      stdout.printf("measuring %s against %s%n", measure, model);
    } else {
      quantizer = Quantizer.prepare(original, options, calibrationSets);
      if (excludeWorst > 0) {
        List<String> worstIds =
            QuantizationReport.sensitivity(
                    quantizer,
                    calibrationSets.subList(0, Math.min(4, calibrationSets.size())),
                    threads)
                .stream()
                .limit(excludeWorst)
                .map(QuantizationReport.NodeSensitivity::node)
                .toList();
        LinkedHashSet<String> excluded = new LinkedHashSet<>(exclude);
        excluded.addAll(worstIds);
        options =
            new QuantizeOptions(
                mode, perChannel, signedActivations, method, percentile, dynamicForm, excluded);
        stdout.printf("--exclude-worst %d: keeping %s float%n", excludeWorst, worstIds);
        quantizer = Quantizer.prepare(original, options, calibrationSets);
      }
      quantized = quantizer.quantize();
      try {
        Files.write(out, quantized.toByteArray());
      } catch (IOException e) {
        throw new PartitionException(
            Code.IO_FAILED, "Cannot write " + out + ": " + e.getMessage(), e);
      }
      stdout.printf("wrote %s (%s mode)%n", out, mode.name().toLowerCase(java.util.Locale.ROOT));
    }
    QuantizationReport result =
        QuantizationReport.measure(
            original,
            quantized,
            quantizer,
            calibrationSets,
            heldOutSets,
            metric,
            new QuantizationReport.Settings(threads, 10, runs, report != null, 4));
    stdout.print(result.text(worst));
    stdout.flush();
    if (report != null) {
      try {
        new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValue(report.toFile(), result);
      } catch (IOException e) {
        throw new PartitionException(
            Code.IO_FAILED, "Cannot write " + report + ": " + e.getMessage(), e);
      }
      stdout.printf("report: %s%n", report);
    }
    return 0;
  }

  /** Runs the command line and returns the exit code (see {@link PartitionCommand#execute}). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line. */
  public static CommandLine commandLine() {
    return new CommandLine(new QuantizeCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(
            (e, commandLine, parseResult) -> {
              if (e instanceof PartitionException problem) {
                commandLine.getErr().println("error: " + problem.getMessage());
                return problem.code().exitCode();
              }
              throw e;
            });
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
