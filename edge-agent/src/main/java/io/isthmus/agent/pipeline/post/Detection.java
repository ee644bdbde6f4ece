package io.isthmus.agent.pipeline.post;

/** A box in normalised image coordinates with its score. */
public record Detection(float xmin, float ymin, float xmax, float ymax, float score) {

  public float area() {
    return Math.max(0, xmax - xmin) * Math.max(0, ymax - ymin);
  }

  /** Intersection over union with {@code other}; 0 when either is empty. */
  public float iou(Detection other) {
    float w = Math.min(xmax, other.xmax) - Math.max(xmin, other.xmin);
    float h = Math.min(ymax, other.ymax) - Math.max(ymin, other.ymin);
    if (w <= 0 || h <= 0) {
      return 0;
    }
    float inter = w * h;
    return inter / (area() + other.area() - inter);
  }
}
