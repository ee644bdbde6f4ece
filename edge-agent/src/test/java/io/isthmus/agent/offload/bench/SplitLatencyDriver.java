package io.isthmus.agent.offload.bench;

import io.isthmus.agent.config.SplitSettings;
import io.isthmus.agent.config.SplitSettings.BreakerSettings;
import io.isthmus.agent.config.SplitSettings.Candidate;
import io.isthmus.agent.config.SplitSettings.Policy;
import io.isthmus.agent.offload.SplitModel;
import io.isthmus.inference.Engines;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.Tensor;
import io.isthmus.offload.OffloadFunction;
import io.isthmus.offload.core.OffloadOptions;
import io.isthmus.offload.model.ModelSource;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.split.Splitter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Per-event model latency of a split pipeline's model on one machine: the full model here, the
 * split path with the tail in the cloud function on localhost, and the fallback when the cloud is
 * gone (port closed, breaker kept closed), is a black hole (accepts, never answers: the deadline),
 * or the breaker is open. Usage: {@code SplitLatencyDriver MODEL CUT_TENSORS RUNS DEADLINE_MS}.
 */
public final class SplitLatencyDriver {
  private SplitLatencyDriver() {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    List<String> cut = List.of(args[1].split(","));
    int runs = Integer.parseInt(args[2]);
    Duration deadline = Duration.ofMillis(Long.parseLong(args[3]));
    Path dir = Files.createTempDirectory("isthmus-split-bench");
    ModelGraph graph = ModelGraph.load(model);
    Splitter.split(graph, new CutFinder(graph).cut(cut)).write(dir);

    try (LoadedModel full = Engines.onnxRuntime().load(model, ModelOptions.defaults());
        OffloadFunction cloud =
            OffloadFunction.start(
                    OffloadOptions.of(
                        List.of(ModelSource.parse("tail=" + dir.resolve("tail.onnx"))),
                        dir.resolve("cache")),
                    Optional.empty(),
                    "127.0.0.1",
                    0)
                .get(60, TimeUnit.SECONDS);
        ServerSocket blackHole = new ServerSocket(0, 1000)) {
      Map<String, Tensor> input = input(full);
      report("full model on the gateway", time(runs, () -> full.run(input)));
      try (SplitModel split = split(model, dir, cloud.port(), deadline, 1_000_000)) {
        report("split, tail in the cloud function", time(runs, () -> split.runSplit(input)));
      }
      int closed = freePort();
      try (SplitModel split = split(model, dir, closed, deadline, 1_000_000)) {
        report("fallback: connection refused", time(runs, () -> split.runSplit(input)));
      }
      try (SplitModel split = split(model, dir, blackHole.getLocalPort(), deadline, 1_000_000)) {
        report(
            "fallback: no answer, deadline " + deadline.toMillis() + " ms",
            time(Math.min(runs, 20), () -> split.runSplit(input)));
      }
      try (SplitModel split = split(model, dir, closed, deadline, 1)) {
        split.runSplit(input); // opens the breaker
        report("fallback: breaker open", time(runs, () -> split.runSplit(input)));
      }
    }
  }

  private interface Run {
    void run() throws Exception;
  }

  private static double[] time(int runs, Run run) throws Exception {
    for (int i = 0; i < Math.min(runs, 20); i++) {
      run.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      run.run();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  private static void report(String label, double[] sorted) {
    System.out.printf(
        Locale.ROOT,
        "%-42s runs %5d  p50 %8.3f ms  p99 %8.3f ms%n",
        label,
        sorted.length,
        sorted[sorted.length / 2],
        sorted[(int) Math.ceil(sorted.length * 0.99) - 1]);
  }

  private static SplitModel split(
      Path model, Path dir, int port, Duration deadline, int breakerFailures) throws Exception {
    SplitSettings settings =
        new SplitSettings(
            URI.create("http://127.0.0.1:" + port),
            Optional.empty(),
            deadline,
            List.of(new Candidate(dir.resolve("head.onnx"), "tail", Optional.empty(), 0)),
            Policy.ALWAYS,
            new BreakerSettings(breakerFailures, 1.0, 1_000_000, Duration.ofHours(1)),
            Duration.ofHours(1));
    return SplitModel.open(
        "bench",
        settings,
        Engines.onnxRuntime().load(model, ModelOptions.defaults()),
        ModelOptions.defaults(),
        new SimpleMeterRegistry());
  }

  private static Map<String, Tensor> input(LoadedModel full) {
    long[] shape = full.signature().inputs().get(0).shape();
    long elements = Arrays.stream(shape).map(d -> Math.max(d, 1)).reduce(1, (a, b) -> a * b);
    float[] values = new float[(int) elements];
    Random random = new Random(1);
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    return Map.of(
        full.signature().inputNames().get(0),
        Tensor.ofFloats(Arrays.stream(shape).map(d -> Math.max(d, 1)).toArray(), values));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
