package io.isthmus.sim.cli;

import io.isthmus.sim.report.LatencySummary;
import io.isthmus.sim.report.SimulationReport;
import java.util.Locale;
import java.util.Map;

/** The human-readable report that {@code sim run} prints without {@code --json}. */
final class ReportText {
  private ReportText() {}

  static String format(SimulationReport r) {
    StringBuilder s = new StringBuilder();
    LatencySummary l = r.latency();
    s.append(
        f(
            "profile      %s (%s), load %s, %d devices%n",
            r.settings().profile(),
            r.settings().stream(),
            r.settings().load(),
            r.settings().devices()));
    s.append(
        f(
            "sent         %d (%.1f/s over %.1f s)%n",
            r.sent(), r.sendRatePerSecond(), r.sendSeconds()));
    s.append(f("received     %d (%.1f/s)%n", r.received(), r.throughputPerSecond()));
    s.append(
        f(
            "lost         %d%nduplicated   %d%nunexpected   %d%n",
            r.lost(), r.duplicated(), r.unexpected()));
    if (r.publishFailures() > 0) {
      s.append(f("not sent     %d (publish failed)%n", r.publishFailures()));
    }
    s.append(
        f(
            "latency ms   p50 %.2f  p95 %.2f  p99 %.2f  max %.2f  mean %.2f%n",
            l.p50(), l.p95(), l.p99(), l.max(), l.mean()));
    LatencySummary o = r.agentOverhead();
    if (o.count() > 0) {
      s.append(
          f(
              "agent ms     overhead p50 %.3f  p99 %.3f  max %.3f (ingest to publish, less inference)%n",
              o.p50(), o.p99(), o.max()));
    }
    if (!r.stageMeansMs().isEmpty()) {
      s.append("stages ms   ");
      for (Map.Entry<String, Double> e : r.stageMeansMs().entrySet()) {
        s.append(f(" %s %.3f", e.getKey(), e.getValue()));
      }
      s.append('\n');
    }
    r.anomaly()
        .ifPresent(
            a ->
                s.append(
                    f(
                        "anomaly      faulty %d events, mean score %s; healthy %d events, mean score %s%n",
                        a.faultyEvents(),
                        a.meanScoreFaulty().isPresent()
                            ? f("%.3f", a.meanScoreFaulty().getAsDouble())
                            : "n/a",
                        a.healthyEvents(),
                        a.meanScoreHealthy().isPresent()
                            ? f("%.3f", a.meanScoreHealthy().getAsDouble())
                            : "n/a")));
    return s.toString();
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
