package io.isthmus.sim.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Build-time entry point: {@code FitVibrationModel <out.onnx> [windows] [seed]} fits the default
 * vibration anomaly model and writes it. Exits with status 2 on bad arguments, 1 if the file cannot
 * be written.
 */
public final class FitVibrationModel {
  private FitVibrationModel() {}

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 3) {
      System.err.println("usage: FitVibrationModel <out.onnx> [windows] [seed]");
      System.exit(2);
    }
    int windows = VibrationAnomalyModel.DEFAULT_TRAINING_WINDOWS;
    long seed = VibrationAnomalyModel.DEFAULT_SEED;
    try {
      if (args.length > 1) {
        windows = Integer.parseInt(args[1]);
      }
      if (args.length > 2) {
        seed = Long.parseLong(args[2]);
      }
    } catch (NumberFormatException e) {
      System.err.println("windows and seed must be integers: " + e.getMessage());
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    try {
      VibrationAnomalyModel model =
          VibrationAnomalyModel.fit(
              io.isthmus.sim.profile.VibrationProfile.defaults(), windows, seed);
      model.write(out);
      System.out.println(
          "Wrote "
              + out
              + " (vibration anomaly model, "
              + model.trainingWindows()
              + " healthy windows of "
              + model.windowSize()
              + " samples)");
    } catch (IOException e) {
      System.err.println("Cannot write " + out + ": " + e.getMessage());
      System.exit(1);
    }
  }
}
