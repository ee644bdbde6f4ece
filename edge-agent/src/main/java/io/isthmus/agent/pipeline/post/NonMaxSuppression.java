package io.isthmus.agent.pipeline.post;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy non-maximum suppression: best first, dropping boxes that overlap a kept one too much. */
public final class NonMaxSuppression {
  private NonMaxSuppression() {}

  /**
   * The boxes kept, best score first: a box is dropped when its IoU with a kept box is above {@code
   * iouThreshold}. At most {@code max} are kept.
   */
  public static List<Detection> apply(List<Detection> boxes, float iouThreshold, int max) {
    List<Detection> sorted = new ArrayList<>(boxes);
    sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
    List<Detection> kept = new ArrayList<>();
    for (Detection box : sorted) {
      if (kept.size() == max) {
        break;
      }
      boolean overlaps = false;
      for (Detection k : kept) {
        if (k.iou(box) > iouThreshold) {
          overlaps = true;
          break;
        }
      }
      if (!overlaps) {
        kept.add(box);
      }
    }
    return kept;
  }
}
