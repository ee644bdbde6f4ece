package io.isthmus.sim.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a report's files into a folder: {@value #EVENTS_CSV} (one row per event sent), {@value
 * #LATENCY_SVG} (latency over time) and {@value #REPORT_JSON}.
 */
public final class ReportFiles {
  public static final String EVENTS_CSV = "events.csv";
  public static final String LATENCY_SVG = "latency.svg";
  public static final String REPORT_JSON = "report.json";

  private ReportFiles() {}

  /**
   * Creates {@code folder} if needed and writes the three files, replacing older ones.
   *
   * @throws IOException if the folder or a file cannot be written
   */
  public static void write(SimulationReport report, Path folder) throws IOException {
    Files.createDirectories(folder);
    try (Writer out = Files.newBufferedWriter(folder.resolve(EVENTS_CSV), StandardCharsets.UTF_8)) {
      writeCsv(report, out);
    }
    Files.writeString(folder.resolve(LATENCY_SVG), LatencyPlot.svg(report), StandardCharsets.UTF_8);
    Files.writeString(folder.resolve(REPORT_JSON), report.toJson() + "\n", StandardCharsets.UTF_8);
  }

  /**
   * The CSV: {@code device,seq,sent_us,received_us,latency_ms,results,fault,label,score}; {@code
   * received_us} is the send time plus the latency, empty cells for lost events or absent scores.
   */
  static void writeCsv(SimulationReport report, Writer out) throws IOException {
    out.write("device,seq,sent_us,received_us,latency_ms,results,fault,label,score\n");
    for (EventOutcome e : report.events()) {
      StringBuilder row = new StringBuilder();
      row.append(csv(e.key().deviceId())).append(',');
      row.append(Long.toUnsignedString(e.key().sequence())).append(',');
      row.append(e.sentAtUs()).append(',');
      if (e.latencyNanos() >= 0) {
        row.append(e.sentAtUs() + e.latencyNanos() / 1000).append(',');
        row.append(String.format(Locale.ROOT, "%.3f", e.latencyNanos() / 1e6)).append(',');
      } else {
        row.append(",,");
      }
      row.append(e.results()).append(',');
      row.append(e.faultInjected()).append(',');
      row.append(csv(e.label())).append(',');
      if (e.score().isPresent()) {
        row.append(String.format(Locale.ROOT, "%.6g", e.score().getAsDouble()));
      }
      out.write(row.append('\n').toString());
    }
  }

  private static String csv(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
