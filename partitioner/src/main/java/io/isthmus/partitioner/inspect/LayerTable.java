package io.isthmus.partitioner.inspect;

import io.isthmus.partitioner.graph.Cut;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The inspect table as text: one line per node with op, output shape, bytes, edge and cloud
 * milliseconds ({@code -} when no profile gives them), and the bytes that cross when the model is
 * cut right after that node (blank where no candidate cut falls).
 */
public final class LayerTable {
  private static final String[] HEADER = {
    "#", "node", "op", "output", "bytes", "edge ms", "cloud ms", "cut after (bytes)"
  };

  private LayerTable() {}

  /** The table for {@code layers} with {@code cuts} marked. */
  public static String render(List<Layer> layers, List<Cut> cuts) {
    Map<Integer, Long> cutBytes = new HashMap<>();
    cuts.forEach(c -> cutBytes.put(c.position(), c.bytes()));
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Long crossing = cutBytes.get(i + 1);
      rows.add(
          new String[] {
            Integer.toString(i + 1),
            layer.nodeId(),
            layer.op(),
            layer.outputType() + layer.outputShape(),
            Long.toString(layer.bytes()),
            millis(layer.edgeMs()),
            millis(layer.cloudMs()),
            crossing == null ? "" : crossing.toString()
          });
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        boolean numeric = c == 0 || c >= 4;
        line.append(
            String.format(Locale.ROOT, "%" + (numeric ? "" : "-") + widths[c] + "s  ", row[c]));
      }
      text.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    return text.toString();
  }

  private static String millis(Double ms) {
    return ms == null ? "-" : String.format(Locale.ROOT, "%.3f", ms);
  }
}
