package io.isthmus.agent.pipeline.pre;

import java.util.List;
import java.util.Optional;

/**
 * Per-feature normalisation over the last dimension: {@code (x - offset[f]) / scale[f]}, which is
 * mean/std or min/(max - min). One offset and scale for all features is allowed.
 */
public final class Normalizer implements FeatureStage {
  private final float[] offset;
  private final float[] scale;
  private final long[] shape;

  /** A normaliser of features of {@code shape}, which it keeps. */
  public Normalizer(List<Double> offset, List<Double> scale, long[] shape) {
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
    this.shape = shape.clone();
  }

  @Override
  public long[] outputShape() {
    return shape.clone();
  }

  @Override
  public Optional<float[]> apply(String deviceId, float[] features) {
    return Optional.of(apply(features));
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
