package io.isthmus.partitioner.cli;

import ai.onnxruntime.OrtException;
import io.isthmus.partitioner.profile.Profile;
import io.isthmus.partitioner.profile.Profiler;
import io.isthmus.partitioner.profile.Profiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code partition profile}: measures a model's per-node latency on this machine and writes a
 * profile file, or derives the profile of an unmeasured device from a measured one.
 */
@Command(
    name = "profile",
    mixinStandardHelpOptions = true,
    description = {
      "Measure per-node latency with ONNX Runtime's profiler and write a profile (JSON).",
      "Or, with --derive-from and --speed-factor, compute the profile of a device that was not"
          + " measured."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:profile written", "1:bad input or the model failed to run", "2:bad usage"})
public final class ProfileCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "MODEL", description = "The ONNX model to profile.")
  Path model;

  @Option(names = "--device-name", required = true, description = "Name of the device, e.g. pi4.")
  String device;

  @Option(names = "--out", required = true, description = "The profile file to write.")
  Path out;

  @Option(names = "--runs", description = "Measured runs (default: ${DEFAULT-VALUE}).")
  int runs = Profiler.Settings.DEFAULT_RUNS;

  @Option(names = "--warmup", description = "Warm-up runs before them (default: ${DEFAULT-VALUE}).")
  int warmup = Profiler.Settings.DEFAULT_WARMUP_RUNS;

  @Option(
      names = "--threads",
      description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE}).")
  int threads = 1;

  @Option(
      names = "--graph-optimization",
      description =
          "basic (kernels map to nodes; fused nodes get 0 ms), extended (also fuses"
              + " QuantizeLinear/DequantizeLinear pairs into integer kernels), all (also changes"
              + " layouts as a gateway's agent does by default; the conversions it adds are spread"
              + " over the nodes: use it to compare a float and an int8 model) or none (default:"
              + " ${DEFAULT-VALUE}).")
  String optimization = "basic";

  @Option(
      names = "--input-shape",
      paramLabel = "NAME=DIMS",
      description = "Shape of an input with open dimensions, e.g. x=1x3x48x192 (repeatable).")
  Map<String, String> inputShapes = new LinkedHashMap<>();

  @Option(
      names = "--input-value",
      paramLabel = "NAME=VALUE",
      description = "Fill an input with one value, e.g. sr=16000 (repeatable); others are random.")
  Map<String, Double> inputValues = new LinkedHashMap<>();

  @Option(
      names = "--derive-from",
      description = "A measured profile to derive from instead of measuring.")
  Path deriveFrom;

  @Option(
      names = "--speed-factor",
      description =
          "With --derive-from: how many times faster this device is (8 divides times by 8).")
  Double speedFactor;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if ((model == null) == (deriveFrom == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Give either MODEL to measure, or --derive-from with --speed-factor");
    }
    if ((deriveFrom == null) != (speedFactor == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--derive-from and --speed-factor go together");
    }
    Profile profile;
    try {
      profile =
          deriveFrom != null
              ? Profiles.derive(Profiles.read(deriveFrom), speedFactor, device)
              : new Profiler(
                      new Profiler.Settings(
                          runs,
                          warmup,
                          threads,
                          optimization.toLowerCase(Locale.ROOT),
                          shapes(),
                          inputValues))
                  .profile(model, device);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (OrtException e) {
      err.println("error: ONNX Runtime could not run " + model + ": " + e.getMessage());
      return 1;
    }
    Profiles.write(profile, out);
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "Wrote %s: %d nodes of %s on %s, %.3f ms in total%s%n",
            out,
            profile.nodes().size(),
            profile.model(),
            profile.device(),
            profile.totalMs(),
            profile.derived()
                ? " (derived from "
                    + profile.derivedFrom()
                    + " at speed factor "
                    + profile.speedFactor()
                    + ")"
                : " (median of " + profile.runs() + " runs)");
    return 0;
  }

  private Map<String, long[]> shapes() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    inputShapes.forEach(
        (name, dims) -> {
          try {
            shapes.put(
                name, Arrays.stream(dims.split("[x,]", -1)).mapToLong(Long::parseLong).toArray());
          } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(
                spec.commandLine(),
                "Invalid --input-shape "
                    + name
                    + "="
                    + dims
                    + ": expected dimensions like 1,3,48,192 or 1x3x48x192");
          }
        });
    return shapes;
  }
}
