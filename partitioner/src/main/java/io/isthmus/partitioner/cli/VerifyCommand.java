package io.isthmus.partitioner.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.graph.OnnxModelFile;
import io.isthmus.partitioner.runtime.TensorData;
import io.isthmus.partitioner.verify.InputFiles;
import io.isthmus.partitioner.verify.Verifier;
import io.isthmus.partitioner.verify.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code partition verify MODEL --head H --tail T}: compares head→tail with the full model and
 * exits with {@link #MISMATCH} when an output differs by more than {@link Verifier#TOLERANCE}.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description =
        "Run the full model and head->tail on seeded random inputs (and on --input files) and"
            + " compare every output; exit 3 when one differs by more than 1e-5.")
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin InputShapeOption inputShapes;

  /** Exit code when an output differs by more than the tolerance. */
  static final int MISMATCH = 3;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The full ONNX model.")
  Path model;

  @Option(names = "--head", required = true, paramLabel = "H", description = "The head model.")
  Path head;

  @Option(names = "--tail", required = true, paramLabel = "T", description = "The tail model.")
  Path tail;

  @Option(
      names = "--input",
      paramLabel = "NAME=FILE",
      description =
          "A value for graph input NAME: a .npy file, or raw little-endian elements of the"
              + " input's type (e.g. .f32) shaped as the input with open dimensions 1. Inputs not"
              + " given get random values. Repeatable.")
  Map<String, Path> inputs = new LinkedHashMap<>();

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Random input sets to compare (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--seed", defaultValue = "0", description = "First seed (default: 0).")
  long seed;

  @Override
  public Integer call() throws PartitionException {
    PrintWriter out = spec.commandLine().getOut();
    ModelProto full = OnnxModelFile.read(model);
    byte[] headBytes = OnnxModelFile.read(head).toByteArray();
    byte[] tailBytes = OnnxModelFile.read(tail).toByteArray();
    VerifyReport report;
    try (Verifier verifier = Verifier.open(full, model.toString(), inputShapes.shapes())) {
      List<Map<String, TensorData>> sets = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        sets.add(random(verifier, seed + i));
      }
      if (!inputs.isEmpty()) {
        sets.add(given(verifier));
      }
      report = verifier.verify(headBytes, tailBytes, sets);
    }
    report
        .maxDiffByOutput()
        .forEach((name, diff) -> out.printf("%-30s max |diff| %.3g%n", name, diff));
    out.printf(
        "%s: largest difference %.3g over %d input sets (tolerance %.0e)%n",
        report.passed() ? "OK" : "MISMATCH", report.maxDiff(), report.runs(), report.tolerance());
    return report.passed() ? 0 : MISMATCH;
  }

  private static Map<String, TensorData> random(Verifier verifier, long seed)
      throws PartitionException {
    try {
      return verifier.randomInputs(seed);
    } catch (IllegalArgumentException e) {
      throw new PartitionException(Code.BAD_INPUT, e.getMessage() + " (--input NAME=FILE)", e);
    }
  }

  private Map<String, TensorData> given(Verifier verifier) throws PartitionException {
    Map<String, TensorData> values = new LinkedHashMap<>();
    List<String> names = verifier.inputs().stream().map(ValueInfoProto::getName).toList();
    for (String name : inputs.keySet()) {
      if (!names.contains(name)) {
        throw new PartitionException(
            Code.BAD_INPUT, "Unknown input name " + name + ", expected one of " + names);
      }
    }
    for (ValueInfoProto input : verifier.inputs()) {
      Path file = inputs.get(input.getName());
      if (file != null) {
        values.put(input.getName(), InputFiles.read(input, file, inputShapes.shapes()));
      }
    }
    if (values.size() < names.size()) {
      Map<String, TensorData> filled = new LinkedHashMap<>(random(verifier, seed + runs));
      filled.putAll(values);
      return filled;
    }
    return values;
  }
}
