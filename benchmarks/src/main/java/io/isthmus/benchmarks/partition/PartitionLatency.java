package io.isthmus.benchmarks.partition;

import io.isthmus.partitioner.graph.Cut;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.plan.NetworkProfile;
import io.isthmus.partitioner.plan.PartitionPlan;
import io.isthmus.partitioner.plan.PartitionPlan.Candidate;
import io.isthmus.partitioner.profile.Profile;
import io.isthmus.partitioner.profile.Profiler;
import io.isthmus.partitioner.profile.Profiles;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.SampleInputs;
import io.isthmus.partitioner.split.PlanCandidates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The partitioning evaluation's driver: measures every cut of a model on each side and reports the
 * end-to-end latency of all-edge, all-cloud, the plan's chosen cut and the best measured cut per
 * network.
 *
 * <pre>
 * measure --side gateway|cloud --model M [--input-shape x=1,3,48,192] [--plan plan.json]
 *         [--warmup 10] [--runs 30] --profile-out P.json --out times.tsv
 * report  --model M [--input-shape ...] --plan plan.json --gateway g.tsv --cloud c.tsv
 *         [--stat median|mean] [--proxy-runs 20] [--out report.md]
 * </pre>
 *
 * {@code measure} profiles the model on this process's CPU (the profile the planner takes), then
 * times the whole model and one half of every candidate cut (all of {@link CutFinder#candidates()}
 * plus the plan's split candidates). {@code report} adds, per network, the network model of the
 * plan's cost model (serialisation, bytes sent and returned at the bandwidth, one RTT) to the
 * measured head and tail times. With {@code --proxy-runs}, it also sends the bytes of all-cloud,
 * the chosen and the best cut through a {@link ShapedProxy} shaped like each network, and reports
 * the measured transfer beside the modelled one.
 */
public final class PartitionLatency {
  private PartitionLatency() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    switch (args[0]) {
      case "measure" -> measure(options);
      case "report" -> report(options);
      default -> throw new IllegalArgumentException("Expected measure or report, not " + args[0]);
    }
  }

  private static void measure(Map<String, String> o) throws Exception {
    Path model = Path.of(o.get("model"));
    InputShapes shapes = shapes(o);
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "10"));
    int runs = Integer.parseInt(o.getOrDefault("runs", "30"));
    boolean gateway = o.get("side").equals("gateway");

    Map<String, long[]> profileShapes = new HashMap<>();
    if (o.containsKey("input-shape")) {
      String[] spec = o.get("input-shape").split("=");
      profileShapes.put(
          spec[0],
          java.util.Arrays.stream(spec[1].split(",")).mapToLong(Long::parseLong).toArray());
    }
    Profile profile =
        new Profiler(new Profiler.Settings(50, 5, 1, "basic", profileShapes))
            .profile(model, o.get("side"));
    Profiles.write(profile, Path.of(o.get("profile-out")));
    System.out.printf(
        "%s profile: %.3f ms over %d nodes%n",
        o.get("side"), profile.totalMs(), profile.nodes().size());

    ModelGraph graph = ModelGraph.load(model, shapes);
    List<Cut> cuts =
        cuts(graph, o.containsKey("plan") ? PartitionPlan.read(Path.of(o.get("plan"))) : null);
    var inputs = SampleInputs.random(graph.model().getGraph().getInputList(), shapes, 1, 1);
    Map<String, double[]> times = new SideTimes(warmup, runs).measure(graph, cuts, gateway, inputs);
    SideTimes.write(times, runs, Path.of(o.get("out")));
    System.out.printf(
        "%s: timed the whole model and %d cuts, %d runs each%n", o.get("side"), cuts.size(), runs);
  }

  /** Every candidate cut, and the plan's split candidates where they are no candidate. */
  private static List<Cut> cuts(ModelGraph graph, PartitionPlan plan) throws Exception {
    CutFinder finder = new CutFinder(graph);
    Map<String, Cut> cuts = new LinkedHashMap<>();
    finder.candidates().forEach(c -> cuts.put(SideTimes.key(c), c));
    if (plan != null) {
      for (Candidate candidate : plan.candidates()) {
        if (candidate.kind().equals("split")) {
          Cut cut = PlanCandidates.cutOf(finder, candidate);
          cuts.putIfAbsent(SideTimes.key(cut), cut);
        }
      }
    }
    return new ArrayList<>(cuts.values());
  }

  private static void report(Map<String, String> o) throws Exception {
    ModelGraph graph = ModelGraph.load(Path.of(o.get("model")), shapes(o));
    PartitionPlan plan = PartitionPlan.read(Path.of(o.get("plan")));
    boolean mean = o.getOrDefault("stat", "median").equals("mean");
    Map<String, double[]> edge = SideTimes.read(Path.of(o.get("gateway")), mean);
    Map<String, double[]> cloud = SideTimes.read(Path.of(o.get("cloud")), mean);
    CutFinder finder = new CutFinder(graph);
    Map<String, Cut> cuts = new LinkedHashMap<>();
    for (Cut cut : cuts(graph, plan)) {
      cuts.put(SideTimes.key(cut), cut);
    }
    long inputBytes = graph.inputs().stream().mapToLong(t -> graph.tensor(t).bytes()).sum();
    long outputBytes = graph.outputs().stream().mapToLong(t -> graph.tensor(t).bytes()).sum();
    double nsPerByte = plan.parameters().serialisationNsPerByte();

    Map<String, long[]> traffic = new LinkedHashMap<>();
    traffic.put("all-edge", new long[] {0, 0});
    traffic.put("all-cloud", new long[] {inputBytes, outputBytes});
    cuts.forEach(
        (key, cut) ->
            traffic.put(
                key,
                new long[] {
                  cut.bytes(),
                  graph.outputs().stream()
                      .filter(t -> cut.tailNodes().contains(graph.producer(t)))
                      .mapToLong(t -> graph.tensor(t).bytes())
                      .sum()
                }));
    int proxyRuns = Integer.parseInt(o.getOrDefault("proxy-runs", "0"));
    StringBuilder proxied =
        new StringBuilder(
            "\nThrough the shaped proxy (transfer median, p90; e2e = head + measured transfer +"
                + " tail)\n\n| network | cut | bytes sent + returned | modelled network ms |"
                + " proxy-measured ms | e2e with proxy-measured network |\n"
                + "|---|---|---|---|---|---|\n");
    StringBuilder md = new StringBuilder();
    md.append(mean ? "Mean ms (p90)\n\n" : "Median ms (p90)\n\n");
    md.append(
        "| network | all-edge | all-cloud | chosen | chosen measured | best measured | best cut |"
            + " chosen vs best |\n|---|---|---|---|---|---|---|---|\n");
    for (NetworkProfile network : NetworkProfile.STANDARD) {
      Map<String, double[]> e2e = new LinkedHashMap<>();
      e2e.put("all-edge", edge.get(SideTimes.ALL));
      for (Map.Entry<String, long[]> t : traffic.entrySet()) {
        if (!t.getKey().equals("all-edge")) {
          String side = t.getKey().equals("all-cloud") ? SideTimes.ALL : t.getKey();
          double[] head = t.getKey().equals("all-cloud") ? new double[] {0} : edge.get(side);
          double[] net = {networkMs(network, t.getValue(), nsPerByte)};
          e2e.put(t.getKey(), sum(sum(head, net), cloud.get(side)));
        }
      }
      Candidate chosen = plan.candidates().get(plan.bestCandidateByNetwork().get(network.name()));
      String chosenKey =
          chosen.kind().equals("split")
              ? SideTimes.key(PlanCandidates.cutOf(finder, chosen))
              : chosen.kind();
      String best =
          e2e.entrySet().stream()
              .min(Map.Entry.comparingByValue((a, b) -> Double.compare(a[0], b[0])))
              .orElseThrow()
              .getKey();
      double[] c = e2e.get(chosenKey);
      if (c == null) {
        throw new IllegalStateException(
            "The plan's cut for "
                + network.name()
                + " was not measured: run measure on both sides again with --plan");
      }
      double[] b = e2e.get(best);
      if (proxyRuns > 0) {
        try (TransferTimer timer = new TransferTimer(network.bitsPerSecond(), network.rttMs())) {
          for (String key : new java.util.LinkedHashSet<>(List.of("all-cloud", chosenKey, best))) {
            if (key.equals("all-edge")) {
              continue;
            }
            long[] bytes = traffic.get(key);
            double[] measured = timer.time(bytes[0], bytes[1], 3, proxyRuns);
            double model = networkMs(network, bytes, nsPerByte);
            String side = key.equals("all-cloud") ? SideTimes.ALL : key;
            double head = key.equals("all-cloud") ? 0 : edge.get(side)[0];
            proxied.append(
                String.format(
                    "| %s | %s | %d | %.2f | %.2f (p90 %.2f) | %.2f |%n",
                    network.name(),
                    label(key, cuts),
                    bytes[0] + bytes[1],
                    model,
                    measured[0],
                    measured[1],
                    head + measured[0] + cloud.get(side)[0]));
          }
        }
      }
      md.append(
          String.format(
              "| %s | %.2f (p90 %.2f) | %.2f (p90 %.2f) | %s, predicted %.2f"
                  + " | %.2f (p90 %.2f) | %.2f (p90 %.2f) | %s | %+.1f%% |%n",
              network.name(),
              e2e.get("all-edge")[0],
              e2e.get("all-edge")[1],
              e2e.get("all-cloud")[0],
              e2e.get("all-cloud")[1],
              label(chosenKey, cuts),
              chosen.predictions().get(network.name()).totalMs(),
              c[0],
              c[1],
              b[0],
              b[1],
              label(best, cuts),
              100 * (c[0] / b[0] - 1)));
    }
    if (proxyRuns > 0) {
      md.append(proxied);
    }
    md.append(
        String.format(
            "%n%d cuts measured on each side besides all-edge and all-cloud.%n", cuts.size()));
    System.out.print(md);
    if (o.containsKey("out")) {
      Files.writeString(Path.of(o.get("out")), md);
    }
  }

  /** The plan's network model: serialisation, bytes sent and returned at the bandwidth, one RTT. */
  private static double networkMs(NetworkProfile network, long[] bytes, double nsPerByte) {
    return network.rttMs() + (bytes[0] + bytes[1]) * (nsPerByte / 1e6 + network.msPerByte());
  }

  private static String label(String key, Map<String, Cut> cuts) {
    Cut cut = cuts.get(key);
    return cut == null ? key : "split after node " + cut.position() + " (" + cut.bytes() + " B)";
  }

  private static double[] sum(double[] a, double[] b) {
    double[] s = new double[2];
    for (int i = 0; i < 2; i++) {
      s[i] = a[Math.min(i, a.length - 1)] + b[Math.min(i, b.length - 1)];
    }
    return s;
  }

  private static InputShapes shapes(Map<String, String> o) throws Exception {
    return o.containsKey("input-shape")
        ? InputShapes.parse(List.of(o.get("input-shape")))
        : InputShapes.NONE;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("Expected --name value, not " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }
}
