package io.isthmus.offload.simulate;

import java.util.List;
import java.util.Locale;

/**
 * A self-contained SVG of a comparison: p50/p95/p99 latency and cost per policy as bars, and each
 * policy's provisioned concurrency over time as a step line under the arrival rate.
 */
public final class SvgChart {
  private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2"};
  private static final double[] QUANTILES = {0.50, 0.95, 0.99};
  private static final int WIDTH = 900;
  private static final int PANEL_HEIGHT = 220;
  private static final int LEFT = 70;

  private final StringBuilder svg = new StringBuilder();

  private SvgChart() {}

  /** The chart of the given results, which should come from one trace. */
  public static String render(List<SimulationResult> results) {
    SvgChart chart = new SvgChart();
    chart.open();
    chart.latencyBars(results, 30);
    chart.costBars(results, 30 + PANEL_HEIGHT + 50);
    chart.provisionedLines(results, 30 + 2 * (PANEL_HEIGHT + 50));
    chart.svg.append("</svg>\n");
    return chart.svg.toString();
  }

  private void open() {
    int height = 3 * (PANEL_HEIGHT + 50) + 40;
    svg.append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                    + " font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH,
                height))
        .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
  }

  private void latencyBars(List<SimulationResult> results, int top) {
    double max = 0;
    for (SimulationResult r : results) {
      max = Math.max(max, r.latencyPercentile(0.99) * 1000);
    }
    axes(top, "latency (ms): p50, p95, p99 per policy", max);
    double group = (WIDTH - LEFT - 20.0) / Math.max(1, results.size());
    double bar = group / (QUANTILES.length + 1);
    for (int p = 0; p < results.size(); p++) {
      SimulationResult r = results.get(p);
      for (int q = 0; q < QUANTILES.length; q++) {
        double value = r.latencyPercentile(QUANTILES[q]) * 1000;
        double x = LEFT + p * group + (q + 0.5) * bar;
        bar(x, bar * 0.9, top, value, max, COLOURS[q], String.format(Locale.ROOT, "%.0f", value));
      }
      label(LEFT + p * group + group / 2, top + PANEL_HEIGHT + 15, r.policy());
    }
    legend(top, new String[] {"p50", "p95", "p99"});
  }

  private void costBars(List<SimulationResult> results, int top) {
    double max = 0;
    for (SimulationResult r : results) {
      max = Math.max(max, r.cost().total());
    }
    axes(top, "cost (USD) per policy", max);
    double group = (WIDTH - LEFT - 20.0) / Math.max(1, results.size());
    for (int p = 0; p < results.size(); p++) {
      SimulationResult r = results.get(p);
      double value = r.cost().total();
      bar(
          LEFT + p * group + group / 4,
          group / 2,
          top,
          value,
          max,
          COLOURS[p % COLOURS.length],
          String.format(Locale.ROOT, "%.4f", value));
      label(LEFT + p * group + group / 2, top + PANEL_HEIGHT + 15, r.policy());
    }
  }

  private void provisionedLines(List<SimulationResult> results, int top) {
    double end = 0;
    double max = 1;
    double maxRate = 0;
    for (SimulationResult r : results) {
      for (TimelinePoint point : r.timeline()) {
        end = Math.max(end, point.timeSeconds());
        max = Math.max(max, point.provisionedConcurrency());
        maxRate = Math.max(maxRate, point.arrivalRate());
      }
    }
    axes(top, "provisioned concurrency over time (s); grey: arrival rate (scaled)", max);
    if (!results.isEmpty()) {
      polyline(results.get(0).timeline(), top, end, maxRate, true, "#bbbbbb");
    }
    String[] names = new String[results.size()];
    for (int p = 0; p < results.size(); p++) {
      names[p] = results.get(p).policy();
      polyline(results.get(p).timeline(), top, end, max, false, COLOURS[p % COLOURS.length]);
    }
    label(WIDTH - 40, top + PANEL_HEIGHT + 15, String.format(Locale.ROOT, "%.0f s", end));
    legend(top, names);
  }

  private void polyline(
      List<TimelinePoint> points, int top, double end, double max, boolean rate, String colour) {
    if (points.isEmpty() || end == 0 || max == 0) {
      return;
    }
    StringBuilder path = new StringBuilder();
    double previousY = top + PANEL_HEIGHT;
    double width = WIDTH - LEFT - 20.0;
    path.append(String.format(Locale.ROOT, "%.1f,%.1f", (double) LEFT, previousY));
    for (TimelinePoint point : points) {
      double x = LEFT + point.timeSeconds() / end * width;
      double value = rate ? point.arrivalRate() : point.provisionedConcurrency();
      double y = top + PANEL_HEIGHT - value / max * PANEL_HEIGHT;
      path.append(String.format(Locale.ROOT, " %.1f,%.1f %.1f,%.1f", x, previousY, x, y));
      previousY = y;
    }
    svg.append(
        String.format(
            "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
            colour, path));
  }

  private void axes(int top, String title, double max) {
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n"
                + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n"
                + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n",
            LEFT,
            top - 8,
            title,
            LEFT,
            top,
            LEFT,
            top + PANEL_HEIGHT,
            LEFT,
            top + PANEL_HEIGHT,
            WIDTH - 20,
            top + PANEL_HEIGHT,
            LEFT - 5,
            top + 10,
            format(max),
            LEFT - 5,
            top + PANEL_HEIGHT));
  }

  private void bar(
      double x, double width, int top, double value, double max, String colour, String text) {
    double height = max == 0 ? 0 : value / max * PANEL_HEIGHT;
    double y = top + PANEL_HEIGHT - height;
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
            x,
            y,
            width,
            height,
            colour));
    label(x + width / 2, y - 3, text);
  }

  private void legend(int top, String[] names) {
    for (int i = 0; i < names.length; i++) {
      legendEntry(top, i, names[i], COLOURS[i % COLOURS.length]);
    }
  }

  private void legendEntry(int top, int index, String name, String colour) {
    int y = top + 5 + index * 16;
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                + "<text x=\"%d\" y=\"%d\">%s</text>%n",
            WIDTH - 120,
            y,
            colour,
            WIDTH - 105,
            y + 9,
            escape(name)));
  }

  private void label(double x, double y, String text) {
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n",
            x,
            y,
            escape(text)));
  }

  private static String format(double value) {
    boolean whole = value >= 10 || value == Math.rint(value);
    return String.format(Locale.ROOT, whole ? "%.0f" : "%.3g", value);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
