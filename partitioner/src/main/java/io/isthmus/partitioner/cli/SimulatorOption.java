package io.isthmus.partitioner.cli;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.quantize.SimulatedCalibration;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --sim PROFILE [--sim-samples N] [--sim-seed S] [--pipeline CONFIG]}: model inputs made by
 * the device simulator through a gateway's pre-processing ({@link SimulatedCalibration}), shared by
 * the commands that measure a model on realistic inputs.
 */
final class SimulatorOption {
  @Option(
      names = "--sim",
      paramLabel = "PROFILE",
      description =
          "Use the device simulator's readings of PROFILE (vibration, environment, audio, camera)"
              + " after a gateway's pre-processing as inputs: that of --pipeline, else the one"
              + " the profile implies for the model's input.")
  String profile;

  @Option(
      names = "--sim-samples",
      defaultValue = "32",
      description =
          "Input sets with --sim (quantize holds a quarter as many more aside, from other"
              + " devices). Default: ${DEFAULT-VALUE}.")
  int samples;

  @Option(
      names = "--sim-seed",
      defaultValue = "1",
      description = "Seed of the simulated readings. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--pipeline",
      paramLabel = "CONFIG",
      description =
          "With --sim: an agent configuration (YAML) with the pipeline that runs MODEL, as its"
              + " model or in a stream stage; its pre-processing makes the samples.")
  Path pipeline;

  /** Whether {@code --sim} was given. */
  boolean given() {
    return profile != null;
  }

  /**
   * Usage errors: {@code --sim} with files or input shapes, {@code --pipeline} without it, fewer
   * than one sample.
   */
  void check(CommandSpec spec, boolean calibrationFiles, boolean inputShapes) {
    if (given() && calibrationFiles) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Give at most one of --sim PROFILE (simulated readings) and --calibration DIR (files)");
    }
    if (given() && inputShapes) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--input-shape does not go with --sim: the pipeline's pre-processing fixes the input's"
              + " shape");
    }
    if (!given() && pipeline != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--pipeline CONFIG goes with --sim PROFILE");
    }
    if (samples < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--sim-samples is " + samples + ", expected at least 1");
    }
  }

  /**
   * {@code count} input sets for {@code model} from readings seeded with {@code seed + seedOffset}.
   *
   * @throws PartitionException as {@link SimulatedCalibration#samples}, or when the calibration
   *     module is not on the class path
   */
  SimulatedCalibration.Samples make(
      Path model, List<ValueInfoProto> inputs, int count, long seedOffset)
      throws PartitionException {
    return SimulatedCalibration.load()
        .samples(
            model,
            inputs,
            new SimulatedCalibration.Request(
                profile, count, seed + seedOffset, Optional.ofNullable(pipeline)));
  }
}
