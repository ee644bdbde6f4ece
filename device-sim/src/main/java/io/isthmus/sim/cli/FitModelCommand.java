package io.isthmus.sim.cli;

import io.isthmus.sim.model.VibrationAnomalyModel;
import io.isthmus.sim.profile.VibrationProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sim fit-model --out FILE}: fits the vibration anomaly model on healthy windows. */
@Command(
    name = "fit-model",
    mixinStandardHelpOptions = true,
    description = "Fit the vibration anomaly model on simulated healthy windows and write ONNX.")
final class FitModelCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "The ONNX file to write.")
  Path out;

  @Option(
      names = "--windows",
      defaultValue = "" + VibrationAnomalyModel.DEFAULT_TRAINING_WINDOWS,
      description = "Healthy training windows (default: ${DEFAULT-VALUE}).")
  int windows;

  @Option(
      names = "--seed",
      defaultValue = "" + VibrationAnomalyModel.DEFAULT_SEED,
      description = "Seed of the training windows (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--window",
      defaultValue = "" + VibrationProfile.DEFAULT_WINDOW,
      description = "Samples per window (default: ${DEFAULT-VALUE}).")
  int window;

  @Override
  public Integer call() throws IOException {
    VibrationProfile profile = VibrationProfile.builder().windowSize(window).build();
    VibrationAnomalyModel model = VibrationAnomalyModel.fit(profile, windows, seed);
    model.write(out);
    System.out.println(
        "Wrote "
            + out
            + ": input window float32 [N, "
            + model.windowSize()
            + "], output score float32 [N, 1], fitted on "
            + model.trainingWindows()
            + " healthy windows");
    return 0;
  }
}
