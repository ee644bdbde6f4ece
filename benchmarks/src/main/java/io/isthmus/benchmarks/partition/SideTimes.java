package io.isthmus.benchmarks.partition;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.isthmus.partitioner.graph.Cut;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.runtime.OrtModel;
import io.isthmus.partitioner.runtime.TensorData;
import io.isthmus.partitioner.split.SplitModels;
import io.isthmus.partitioner.split.Splitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measured run times of one side of every cut: on the gateway the whole model and each head, in the
 * cloud the whole model and each tail. Sessions run as the profiler runs them (one intra-op thread,
 * basic graph optimisation), so measured times and profiles describe the same execution. Written as
 * a TSV: key ({@code all} or the cut's tensors), median ms, p90 ms, runs.
 */
final class SideTimes {
  /** The key of the whole model. */
  static final String ALL = "all";

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final int warmup;
  private final int runs;

  SideTimes(int warmup, int runs) {
    this.warmup = warmup;
    this.runs = runs;
  }

  /** A cut's key: its crossing tensors and pass-through inputs. */
  static String key(Cut cut) {
    List<String> all = new ArrayList<>(cut.tensors());
    all.addAll(cut.passThrough());
    return String.join(",", all);
  }

  /**
   * Times the whole model and one half of each cut.
   *
   * @param gateway true to time the heads, false to time the tails
   * @param inputs the model's inputs; a tail's inputs are computed from them (untimed)
   * @return by key, {median, p90, mean} in ms
   */
  Map<String, double[]> measure(
      ModelGraph graph, List<Cut> cuts, boolean gateway, Map<String, TensorData> inputs)
      throws Exception {
    Map<String, double[]> times = new LinkedHashMap<>();
    times.put(ALL, time(graph.model().toByteArray(), inputs));
    for (Cut cut : cuts) {
      SplitModels split = Splitter.split(graph, cut);
      byte[] head = split.head().toByteArray();
      if (gateway) {
        times.put(key(cut), time(head, inputs));
      } else {
        Map<String, TensorData> tailInputs = new HashMap<>(inputs);
        try (OrtModel headModel = OrtModel.open(head, "head")) {
          tailInputs.putAll(headModel.run(inputs));
        }
        times.put(key(cut), time(split.tail().toByteArray(), tailInputs));
      }
    }
    return times;
  }

  private double[] time(byte[] model, Map<String, TensorData> values) throws OrtException {
    try (SessionOptions options = new SessionOptions()) {
      options.setOptimizationLevel(OptLevel.BASIC_OPT);
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      try (OrtSession session = env.createSession(model, options)) {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
          for (String name : session.getInputNames()) {
            feeds.put(name, values.get(name).toOnnx(env));
          }
          for (int i = 0; i < warmup; i++) {
            session.run(feeds).close();
          }
          double[] ms = new double[runs];
          for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            session.run(feeds).close();
            ms[i] = (System.nanoTime() - start) / 1e6;
          }
          double mean = Arrays.stream(ms).average().orElseThrow();
          Arrays.sort(ms);
          return new double[] {percentile(ms, 0.5), percentile(ms, 0.9), mean};
        } finally {
          feeds.values().forEach(OnnxTensor::close);
        }
      }
    }
  }

  private static double percentile(double[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }

  static void write(Map<String, double[]> times, int runs, Path file) throws IOException {
    StringBuilder tsv = new StringBuilder("key\tmedian_ms\tp90_ms\tmean_ms\truns\n");
    times.forEach(
        (key, t) ->
            tsv.append(String.format("%s\t%.4f\t%.4f\t%.4f\t%d%n", key, t[0], t[1], t[2], runs)));
    Files.writeString(file, tsv);
  }

  /** Reads a TSV, keeping for each key {@code {stat, p90}} where stat is the median or the mean. */
  static Map<String, double[]> read(Path file, boolean mean) throws IOException {
    Map<String, double[]> times = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t");
      times.put(f[0], new double[] {Double.parseDouble(f[mean ? 3 : 1]), Double.parseDouble(f[2])});
    }
    return times;
  }
}
