package io.isthmus.partitioner.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel times in an ONNX Runtime profile: a Chrome-trace JSON array whose {@code "cat":
 * "Session"} events named {@code model_run} frame each run, and whose {@code "cat": "Node"} events
 * named {@code <node>_kernel_time} give a kernel's duration in microseconds ({@code dur}) with its
 * {@code args.op_name}, {@code args.output_size} and {@code args.output_type_shape}.
 *
 * @param runs the measured runs (after the skipped warm-up runs)
 * @param kernels per node name, in order of first appearance
 */
record OrtTrace(int runs, Map<String, Kernel> kernels) {
  private static final String SUFFIX = "_kernel_time";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One node's kernel.
   *
   * @param op the operator type
   * @param medianMs the median over the measured runs of the node's kernel time per run
   * @param outputBytes {@code args.output_size}
   * @param outputTensorBytes each output's bytes, from its element type and shape
   */
  record Kernel(String op, double medianMs, long outputBytes, List<Long> outputTensorBytes) {}

  /**
   * Parses a trace, skipping its first {@code warmupRuns} runs.
   *
   * @throws IllegalArgumentException if the trace is no JSON array, or has no more runs than {@code
   *     warmupRuns}
   */
  static OrtTrace parse(byte[] json, int warmupRuns) throws IOException {
    JsonNode events = JSON.readTree(json);
    if (events == null || !events.isArray()) {
      throw new IllegalArgumentException("An ONNX Runtime profile is a JSON array of events");
    }
    List<long[]> windows = new ArrayList<>();
    for (JsonNode e : events) {
      if ("Session".equals(e.path("cat").asText()) && "model_run".equals(e.path("name").asText())) {
        long ts = e.path("ts").asLong();
        windows.add(new long[] {ts, ts + e.path("dur").asLong()});
      }
    }
    windows.sort((a, b) -> Long.compare(a[0], b[0]));
    int runs = windows.size() - warmupRuns;
    if (runs <= 0) {
      throw new IllegalArgumentException(
          "The profile has "
              + windows.size()
              + " runs, no more than the "
              + warmupRuns
              + " warm-up runs");
    }
    Map<String, long[]> perRunUs = new LinkedHashMap<>();
    Map<String, JsonNode> args = new LinkedHashMap<>();
    for (JsonNode e : events) {
      String name = e.path("name").asText();
      if (!"Node".equals(e.path("cat").asText()) || !name.endsWith(SUFFIX)) {
        continue;
      }
      int run = runOf(windows, e.path("ts").asLong()) - warmupRuns;
      if (run < 0) {
        continue;
      }
      String node = name.substring(0, name.length() - SUFFIX.length());
      perRunUs.computeIfAbsent(node, n -> new long[runs])[run] += e.path("dur").asLong();
      args.putIfAbsent(node, e.path("args"));
    }
    Map<String, Kernel> kernels = new LinkedHashMap<>();
    perRunUs.forEach(
        (node, us) -> {
          JsonNode a = args.get(node);
          kernels.put(
              node,
              new Kernel(
                  a.path("op_name").asText(),
                  median(us) / 1000.0,
                  a.path("output_size").asLong(),
                  tensorBytes(a.path("output_type_shape"))));
        });
    return new OrtTrace(runs, kernels);
  }

  /** The index of the run window holding {@code ts}, or -1. */
  private static int runOf(List<long[]> windows, long ts) {
    for (int i = 0; i < windows.size(); i++) {
      if (ts >= windows.get(i)[0] && ts <= windows.get(i)[1]) {
        return i;
      }
    }
    return -1;
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  /**
   * Each {@code {"float": [1, 8, 24, 96]}} entry's bytes; 0 for an element type of no fixed size.
   */
  private static List<Long> tensorBytes(JsonNode outputs) {
    List<Long> bytes = new ArrayList<>();
    for (JsonNode output : outputs) {
      var fields = output.fields();
      if (!fields.hasNext()) {
        bytes.add(0L);
        continue;
      }
      var entry = fields.next();
      long count = 1;
      for (JsonNode dim : entry.getValue()) {
        count *= Math.max(dim.asLong(), 0);
      }
      bytes.add(count * ElementType.bytesOf(entry.getKey()));
    }
    return bytes;
  }
}
