package io.isthmus.partitioner.inspect;

import io.isthmus.partitioner.graph.Cut;
import java.util.List;
import java.util.Locale;

/**
 * An SVG chart of a model, one column per node in topological order: latency on the gateway and in
 * the cloud (top panel, when profiles were given) and output activation bytes (bottom panel), with
 * every candidate cut drawn as a dashed vertical line after the last head node. Hovering a bar or a
 * line shows the node or the cut.
 */
public final class LatencyChart {
  private static final int LEFT = 70;
  private static final int PANEL = 180;
  private static final int GAP = 40;
  private static final int TOP = 40;

  private LatencyChart() {}

  /** The chart as an SVG document. */
  public static String svg(String title, List<Layer> layers, List<Cut> cuts) {
    int n = Math.max(layers.size(), 1);
    double bar = Math.max(2, Math.min(16, 1200.0 / n));
    int width = (int) Math.ceil(LEFT + n * bar + 20);
    int height = TOP + 2 * PANEL + GAP + 30;
    StringBuilder svg = new StringBuilder();
    svg.append(
        format(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n",
            width, height));
    svg.append(format("<text x=\"%d\" y=\"18\" font-size=\"14\">%s</text>%n", LEFT, escape(title)));
    double maxMs =
        layers.stream()
            .mapToDouble(l -> Math.max(value(l.edgeMs()), value(l.cloudMs())))
            .max()
            .orElse(0);
    double maxBytes = layers.stream().mapToLong(Layer::bytes).max().orElse(0);
    int latencyBottom = TOP + PANEL;
    int bytesBottom = TOP + 2 * PANEL + GAP;
    axis(svg, "latency ms", latencyBottom, maxMs, width);
    axis(svg, "activation bytes", bytesBottom, maxBytes, width);
    if (maxMs == 0) {
      svg.append(
          format(
              "<text x=\"%d\" y=\"%d\" fill=\"#888\">no profile given (partition inspect --profile P)</text>%n",
              LEFT + 10, TOP + PANEL / 2));
    }
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      double x = LEFT + i * bar;
      String tip = layer.nodeId() + " (" + layer.op() + ") " + layer.outputShape();
      if (maxMs > 0) {
        double half = bar / 2;
        rect(
            svg,
            x,
            half,
            value(layer.edgeMs()) / maxMs,
            latencyBottom,
            "#3b75af",
            tip + " edge ms " + layer.edgeMs());
        rect(
            svg,
            x + half,
            half,
            value(layer.cloudMs()) / maxMs,
            latencyBottom,
            "#ef8636",
            tip + " cloud ms " + layer.cloudMs());
      }
      if (maxBytes > 0) {
        rect(
            svg,
            x,
            bar,
            Math.max(layer.bytes(), 0) / maxBytes,
            bytesBottom,
            "#519e3e",
            tip + " " + layer.bytes() + " bytes");
      }
    }
    for (Cut cut : cuts) {
      double x = LEFT + cut.position() * bar;
      svg.append(
          format(
              "<line class=\"cut\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c53a32\" stroke-width=\"1\" stroke-dasharray=\"3,3\" opacity=\"0.6\"><title>cut %s: %d bytes</title></line>%n",
              x, TOP, x, bytesBottom, escape(cut.spec()), cut.bytes()));
    }
    svg.append(
        format(
            "<text x=\"%d\" y=\"%d\">nodes in topological order (%d); dashed: candidate cuts (%d); blue: edge ms, orange: cloud ms</text>%n",
            LEFT, height - 8, layers.size(), cuts.size()));
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static void axis(StringBuilder svg, String label, int bottom, double max, int width) {
    svg.append(
        format(
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
            LEFT, bottom, width - 10, bottom));
    svg.append(format("<text x=\"4\" y=\"%d\">%s</text>%n", bottom - PANEL + 12, escape(label)));
    svg.append(format("<text x=\"4\" y=\"%d\">max %s</text>%n", bottom - PANEL + 26, number(max)));
  }

  private static void rect(
      StringBuilder svg,
      double x,
      double w,
      double fraction,
      int bottom,
      String color,
      String tip) {
    double h = fraction * PANEL;
    svg.append(
        format(
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>%n",
            x, bottom - h, Math.max(w - 0.5, 0.5), h, color, escape(tip)));
  }

  private static double value(Double ms) {
    return ms == null ? 0 : ms;
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : format("%.3f", v);
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
