package io.isthmus.sim.model;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import io.isthmus.sim.profile.VibrationProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The demo's vibration anomaly detector: a per-frequency-bin z-score of the log magnitude spectrum,
 * fitted on healthy windows only.
 *
 * <pre>
 * window [N, W] --MatMul cos [W, B]--> re --\
 *               --MatMul sin [W, B]--> im ---> sqrt(re^2 + im^2) -> log(x + eps)
 *   -> (x - mean[B]) / std[B] -> squared -> ReduceMean over bins -> score [N, 1]
 * </pre>
 *
 * with B = W / 2 + 1 bins. A healthy window scores about 1 (the mean of squared z-scores); a
 * bearing fault puts energy where healthy machines have only noise (the resonance band the impulses
 * ring, the BPFO tone), and those bins' z-scores are large. {@link #score} computes the same number
 * in Java as the ONNX graph does, for tests and for callers without an engine.
 */
public final class VibrationAnomalyModel {
  public static final String INPUT = "window";
  public static final String OUTPUT = "score";
  public static final int DEFAULT_TRAINING_WINDOWS = 2000;
  public static final long DEFAULT_SEED = 42;
  public static final float EPS = 1e-6f;
  static final int IR_VERSION = 8;
  static final int OPSET = 13;
  private static final float MIN_STD = 1e-3f;

  private final int window;
  private final int bins;
  private final float[] cos; // [W, B] row-major
  private final float[] sin;
  private final float[] mean;
  private final float[] std;
  private final int trainingWindows;

  private VibrationAnomalyModel(int window, float[] mean, float[] std, int trainingWindows) {
    this.window = window;
    this.bins = window / 2 + 1;
    this.cos = new float[window * bins];
    this.sin = new float[window * bins];
    for (int n = 0; n < window; n++) {
      for (int k = 0; k < bins; k++) {
        double angle = 2 * Math.PI * ((long) n * k % window) / window;
        cos[n * bins + k] = (float) Math.cos(angle);
        sin[n * bins + k] = (float) -Math.sin(angle);
      }
    }
    this.mean = mean;
    this.std = std;
    this.trainingWindows = trainingWindows;
  }

  /**
   * Fits on {@code windows} healthy windows of {@code profile}, drawn from {@code seed}.
   *
   * @throws IllegalArgumentException if {@code windows} is below 10
   */
  public static VibrationAnomalyModel fit(VibrationProfile profile, int windows, long seed) {
    if (windows < 10) {
      throw new IllegalArgumentException("windows is " + windows + ", expected at least 10");
    }
    int w = profile.windowSize();
    VibrationAnomalyModel blank =
        new VibrationAnomalyModel(w, new float[w / 2 + 1], new float[w / 2 + 1], windows);
    SplittableRandom rng = new SplittableRandom(seed);
    double[] sum = new double[blank.bins];
    double[] sumSq = new double[blank.bins];
    for (int i = 0; i < windows; i++) {
      double[] logMag = blank.logSpectrum(profile.window(rng, false));
      for (int k = 0; k < blank.bins; k++) {
        sum[k] += logMag[k];
        sumSq[k] += logMag[k] * logMag[k];
      }
    }
    float[] mean = new float[blank.bins];
    float[] std = new float[blank.bins];
    for (int k = 0; k < blank.bins; k++) {
      double m = sum[k] / windows;
      double variance = Math.max(0, sumSq[k] / windows - m * m);
      mean[k] = (float) m;
      std[k] = (float) Math.max(MIN_STD, Math.sqrt(variance));
    }
    return new VibrationAnomalyModel(w, mean, std, windows);
  }

  /** The default model: {@value #DEFAULT_TRAINING_WINDOWS} windows of the default profile. */
  public static VibrationAnomalyModel fitDefault() {
    return fit(VibrationProfile.defaults(), DEFAULT_TRAINING_WINDOWS, DEFAULT_SEED);
  }

  public int windowSize() {
    return window;
  }

  public int bins() {
    return bins;
  }

  public int trainingWindows() {
    return trainingWindows;
  }

  /**
   * The anomaly score of one window, computed as the ONNX graph does (input rounded to float32).
   *
   * @throws IllegalArgumentException if the window's length is not {@link #windowSize()}
   */
  public double score(double[] samples) {
    double[] logMag = logSpectrum(samples);
    double total = 0;
    for (int k = 0; k < bins; k++) {
      double z = (logMag[k] - mean[k]) / std[k];
      total += z * z;
    }
    return total / bins;
  }

  private double[] logSpectrum(double[] samples) {
    if (samples.length != window) {
      throw new IllegalArgumentException(
          "window has " + samples.length + " samples, expected " + window);
    }
    double[] re = new double[bins];
    double[] im = new double[bins];
    for (int n = 0; n < window; n++) {
      double x = (float) samples[n];
      int row = n * bins;
      for (int k = 0; k < bins; k++) {
        re[k] += x * cos[row + k];
        im[k] += x * sin[row + k];
      }
    }
    double[] out = new double[bins];
    for (int k = 0; k < bins; k++) {
      out[k] = Math.log(Math.sqrt(re[k] * re[k] + im[k] * im[k]) + EPS);
    }
    return out;
  }

  /** The model as ONNX (IR version 8, opset 13), serialized. */
  public byte[] toOnnx() {
    OnnxGraph g = new OnnxGraph("vibration_anomaly");
    g.input(INPUT, "N", window);
    g.initializer("dft_cos", new long[] {window, bins}, cos);
    g.initializer("dft_sin", new long[] {window, bins}, sin);
    g.initializer("eps", new long[] {}, new float[] {EPS});
    g.initializer("bin_mean", new long[] {bins}, mean);
    g.initializer("bin_std", new long[] {bins}, std);
    g.node("MatMul", "re", INPUT, "dft_cos");
    g.node("MatMul", "im", INPUT, "dft_sin");
    g.node("Mul", "re2", "re", "re");
    g.node("Mul", "im2", "im", "im");
    g.node("Add", "power", "re2", "im2");
    g.node("Sqrt", "magnitude", "power");
    g.node("Add", "magnitude_eps", "magnitude", "eps");
    g.node("Log", "log_magnitude", "magnitude_eps");
    g.node("Sub", "centered", "log_magnitude", "bin_mean");
    g.node("Div", "z", "centered", "bin_std");
    g.node("Mul", "z2", "z", "z");
    g.reduceMean(OUTPUT, "z2", 1);
    g.output(OUTPUT, "N", 1);
    GraphProto graph = g.build();
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("isthmus-device-sim")
        .setProducerVersion("1")
        .setDomain("io.isthmus")
        .setModelVersion(1)
        .setDocString(
            "Vibration anomaly score: mean squared z-score of the log magnitude spectrum, fitted on "
                + trainingWindows
                + " healthy simulated windows of "
                + window
                + " samples")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  /**
   * Writes {@link #toOnnx()} to {@code file}, creating its folder.
   *
   * @throws IOException if it cannot be written
   */
  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, toOnnx());
  }
}
