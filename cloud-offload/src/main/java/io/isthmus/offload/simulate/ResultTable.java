package io.isthmus.offload.simulate;

import java.util.List;
import java.util.Locale;

/** The per-policy results as a Markdown table (latencies in milliseconds, cost in USD). */
public final class ResultTable {
  private ResultTable() {}

  /** One row per result, in the given order. */
  public static String markdown(List<SimulationResult> results) {
    StringBuilder out =
        new StringBuilder(
            "| policy | served | p50 ms | p95 ms | p99 ms | cold starts | instance starts |"
                + " cost USD | USD per 1M requests |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (SimulationResult r : results) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.0f | %.0f | %.0f | %d | %d | %.4f | %.2f |%n",
              r.policy(),
              r.served(),
              r.latencyPercentile(0.50) * 1000,
              r.latencyPercentile(0.95) * 1000,
              r.latencyPercentile(0.99) * 1000,
              r.coldStarts(),
              r.instanceStarts(),
              r.cost().total(),
              r.served() == 0 ? 0 : r.cost().total() / r.served() * 1e6));
    }
    return out.toString();
  }
}
