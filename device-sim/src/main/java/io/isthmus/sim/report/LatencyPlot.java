package io.isthmus.sim.report;

import java.util.Locale;

/**
 * A hand-written SVG scatter plot of end-to-end latency against send time, with the p50 and p99
 * lines; lost events are red marks along the top edge.
 */
final class LatencyPlot {
  private static final int WIDTH = 800;
  private static final int HEIGHT = 400;
  private static final int LEFT = 60;
  private static final int RIGHT = 20;
  private static final int TOP = 30;
  private static final int BOTTOM = 40;

  private LatencyPlot() {}

  static String svg(SimulationReport report) {
    LatencySummary l = report.latency();
    double maxX = Math.max(1e-3, report.sendSeconds());
    double maxY = l.count() == 0 ? 1 : Math.max(1e-3, l.max() * 1.05);
    double plotW = WIDTH - LEFT - RIGHT;
    double plotH = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder();
    svg.append(
        f(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
            WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append(
        f("<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH, HEIGHT));
    svg.append(
        f(
            "<text x=\"%d\" y=\"18\">End-to-end latency: %d sent, %d received, %d lost;"
                + " p50 %.2f ms, p99 %.2f ms</text>\n",
            LEFT, report.sent(), report.received(), report.lost(), l.p50(), l.p99()));
    // Axes with five ticks each.
    svg.append(
        f(
            "<path d=\"M%d %d V%d H%d\" stroke=\"black\" fill=\"none\"/>\n",
            LEFT, TOP, HEIGHT - BOTTOM, WIDTH - RIGHT));
    for (int i = 0; i <= 5; i++) {
      double x = LEFT + plotW * i / 5;
      double y = HEIGHT - BOTTOM - plotH * i / 5;
      svg.append(
          f(
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>\n",
              x, HEIGHT - BOTTOM + 16, maxX * i / 5));
      svg.append(
          f(
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n",
              LEFT - 4, y + 4, maxY * i / 5));
    }
    svg.append(
        f(
            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">send time (s)</text>\n",
            LEFT + plotW / 2, HEIGHT - 6));
    svg.append(
        f(
            "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\""
                + " text-anchor=\"middle\">latency (ms)</text>\n",
            TOP + plotH / 2, TOP + plotH / 2));
    svg.append("<g fill=\"steelblue\" fill-opacity=\"0.6\">\n");
    StringBuilder lost = new StringBuilder("<g fill=\"red\">\n");
    for (EventOutcome e : report.events()) {
      double x = LEFT + plotW * Math.min(1, e.sentOffsetNanos() / 1e9 / maxX);
      if (e.lost()) {
        lost.append(f("<rect x=\"%.1f\" y=\"%d\" width=\"2\" height=\"6\"/>\n", x - 1, TOP));
      } else {
        double y = HEIGHT - BOTTOM - plotH * Math.min(1, e.latencyNanos() / 1e6 / maxY);
        svg.append(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.5\"/>\n", x, y));
      }
    }
    svg.append("</g>\n").append(lost).append("</g>\n");
    if (l.count() > 0) {
      line(svg, "p50", l.p50(), maxY, plotW, plotH, "green");
      line(svg, "p99", l.p99(), maxY, plotW, plotH, "orange");
    }
    return svg.append("</svg>\n").toString();
  }

  private static void line(
      StringBuilder svg,
      String name,
      double ms,
      double maxY,
      double plotW,
      double plotH,
      String c) {
    double y = HEIGHT - BOTTOM - plotH * Math.min(1, ms / maxY);
    svg.append(
        f(
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                + " stroke-dasharray=\"4 3\"/>\n",
            LEFT, y, LEFT + plotW, y, c));
    svg.append(
        f(
            "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" text-anchor=\"end\">%s</text>\n",
            LEFT + plotW, y - 3, c, name));
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
