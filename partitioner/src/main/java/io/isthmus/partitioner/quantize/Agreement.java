package io.isthmus.partitioner.quantize;

import io.isthmus.partitioner.runtime.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How closely a quantized model's outputs follow the float model's, over a list of input sets.
 * Every metric is in [0, 1] (cosine in [-1, 1]), 1 meaning the same answers.
 */
public enum Agreement {
  /** Classifiers: the share of rows of the first output whose arg-max class is the same. */
  TOP1,
  /** Embeddings and everything else: mean cosine similarity over the rows of every output. */
  COSINE,
  /**
   * Detectors with score outputs [.., A, 1] beside box outputs [.., A, 4+] (BlazeFace): for the
   * anchors the float model scores highest (above 0, else its top 10), the mean IoU of the (cx, cy,
   * w, h) boxes. IoU is the same with or without the anchor offsets, since both boxes share them.
   */
  BOX_IOU;

  /** The number of anchors compared when no float score is positive. */
  static final int TOP_ANCHORS = 10;

  /** The metric that fits outputs like {@code sample}: top-1 for one [N, C] output, else cosine. */
  public static Agreement auto(Map<String, TensorData> sample) {
    if (sample.size() == 1) {
      long[] shape = sample.values().iterator().next().shape();
      if (shape.length == 2 && shape[1] > 1 && shape[1] <= 1000) {
        return TOP1;
      }
    }
    return COSINE;
  }

  /**
   * The agreement of {@code quantized} with {@code reference}, output sets in the same order.
   *
   * @throws IllegalArgumentException when the lists differ in length or BOX_IOU finds no score and
   *     box outputs
   */
  public double measure(
      List<Map<String, TensorData>> reference, List<Map<String, TensorData>> quantized) {
    if (reference.size() != quantized.size() || reference.isEmpty()) {
      throw new IllegalArgumentException(
          "Need as many quantized as reference output sets, got "
              + quantized.size()
              + " and "
              + reference.size());
    }
    double sum = 0;
    int count = 0;
    for (int s = 0; s < reference.size(); s++) {
      for (double v : perRow(reference.get(s), quantized.get(s))) {
        sum += v;
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  /**
   * The relative L2 error {@code ||q - r|| / ||r||} over every element of every output set, a finer
   * measure than the metrics when one node's quantization is compared.
   */
  public static double relativeError(
      List<Map<String, TensorData>> reference, List<Map<String, TensorData>> quantized) {
    double diff = 0;
    double norm = 0;
    for (int s = 0; s < reference.size(); s++) {
      for (String name : reference.get(s).keySet()) {
        double[] a = reference.get(s).get(name).values();
        double[] b = quantized.get(s).get(name).values();
        for (int i = 0; i < a.length; i++) {
          diff += (a[i] - b[i]) * (a[i] - b[i]);
          norm += a[i] * a[i];
        }
      }
    }
    return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
  }

  private List<Double> perRow(Map<String, TensorData> ref, Map<String, TensorData> q) {
    List<Double> values = new ArrayList<>();
    switch (this) {
      case TOP1 -> {
        String name = ref.keySet().iterator().next();
        double[] a = ref.get(name).values();
        double[] b = q.get(name).values();
        long[] shape = ref.get(name).shape();
        int width = (int) shape[shape.length - 1];
        for (int r = 0; r < a.length / width; r++) {
          values.add(argmax(a, r * width, width) == argmax(b, r * width, width) ? 1.0 : 0.0);
        }
      }
      case COSINE -> {
        for (String name : ref.keySet()) {
          double[] a = ref.get(name).values();
          double[] b = q.get(name).values();
          long[] shape = ref.get(name).shape();
          int width = shape.length == 0 ? 1 : (int) Math.max(1, shape[shape.length - 1]);
          for (int r = 0; r < a.length / width; r++) {
            values.add(cosine(a, b, r * width, width));
          }
        }
      }
      case BOX_IOU -> boxIous(ref, q, values);
    }
    return values;
  }

  private static void boxIous(
      Map<String, TensorData> ref, Map<String, TensorData> q, List<Double> values) {
    boolean found = false;
    for (String scoreName : ref.keySet()) {
      long[] ss = ref.get(scoreName).shape();
      if (ss.length < 2 || ss[ss.length - 1] != 1) {
        continue;
      }
      for (String boxName : ref.keySet()) {
        long[] bs = ref.get(boxName).shape();
        if (bs.length != ss.length
            || bs[bs.length - 1] < 4
            || bs[bs.length - 2] != ss[ss.length - 2]) {
          continue;
        }
        found = true;
        double[] scores = ref.get(scoreName).values();
        double[] a = ref.get(boxName).values();
        double[] b = q.get(boxName).values();
        int width = (int) bs[bs.length - 1];
        List<Integer> anchors = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
          if (scores[i] > 0) {
            anchors.add(i);
          }
        }
        if (anchors.isEmpty()) {
          anchors = topAnchors(scores);
        }
        for (int i : anchors) {
          values.add(iou(a, b, i * width));
        }
      }
    }
    if (!found) {
      throw new IllegalArgumentException(
          "box-iou needs a score output [.., A, 1] and a box output [.., A, 4+]; outputs are "
              + ref.keySet());
    }
  }

  private static List<Integer> topAnchors(double[] scores) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      order.add(i);
    }
    order.sort((x, y) -> Double.compare(scores[y], scores[x]));
    return order.subList(0, Math.min(TOP_ANCHORS, order.size()));
  }

  static double iou(double[] a, double[] b, int at) {
    double[] ba = corners(a, at);
    double[] bb = corners(b, at);
    double w = Math.max(0, Math.min(ba[2], bb[2]) - Math.max(ba[0], bb[0]));
    double h = Math.max(0, Math.min(ba[3], bb[3]) - Math.max(ba[1], bb[1]));
    double inter = w * h;
    double union = (ba[2] - ba[0]) * (ba[3] - ba[1]) + (bb[2] - bb[0]) * (bb[3] - bb[1]) - inter;
    return union <= 0 ? 1 : inter / union;
  }

  private static double[] corners(double[] v, int at) {
    double cx = v[at];
    double cy = v[at + 1];
    double w = Math.abs(v[at + 2]);
    double h = Math.abs(v[at + 3]);
    return new double[] {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
  }

  private static int argmax(double[] v, int from, int width) {
    int best = from;
    for (int i = from + 1; i < from + width; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best - from;
  }

  static double cosine(double[] a, double[] b, int from, int width) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = from; i < from + width; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    if (na == 0 && nb == 0) {
      return 1;
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
