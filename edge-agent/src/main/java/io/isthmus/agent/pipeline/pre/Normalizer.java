package io.isthmus.agent.pipeline.pre;

import java.util.List;

/**
 * Per-feature normalisation over the last dimension: {@code (x - offset[f]) / scale[f]}, which is
 * mean/std or min/(max - min). One offset and scale for all features is allowed.
 */
public final class Normalizer {
  private final float[] offset;
  private final float[] scale;

  public Normalizer(List<Double> offset, List<Double> scale) {
    if (offset.isEmpty() || offset.size() != scale.size()) {
      throw new IllegalArgumentException(
          "offset " + offset + " and scale " + scale + " must have the same non-zero length");
    }
    this.offset = new float[offset.size()];
    this.scale = new float[scale.size()];
    for (int i = 0; i < this.offset.length; i++) {
      this.offset[i] = offset.get(i).floatValue();
      this.scale[i] = scale.get(i).floatValue();
    }
  }

  /** How many features it was configured for. */
  public int features() {
    return offset.length;
  }

  /** Normalises {@code x} in place, feature {@code i % features}; returns it. */
  public float[] apply(float[] x) {
    int n = offset.length;
    for (int i = 0; i < x.length; i++) {
      int f = i % n;
      x[i] = (x[i] - offset[f]) / scale[f];
    }
    return x;
  }
}
