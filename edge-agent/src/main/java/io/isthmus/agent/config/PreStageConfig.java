package io.isthmus.agent.config;

import java.util.List;

/** A pre-processing stage of a pipeline, in the order given. */
public sealed interface PreStageConfig {

  /** Named fields of a {@code fields} payload, in this order. */
  record Fields(List<String> names) implements PreStageConfig {
    public Fields {
      names = List.copyOf(names);
    }
  }

  /**
   * A per-device sliding window over {@code values}: {@code size} samples (of {@code channels}
   * interleaved channels), advancing by {@code hop}; state for at most {@code maxDevices}.
   */
  record Window(int size, int hop, int channels, int maxDevices) implements PreStageConfig {}

  /** Per-feature (last dimension) normalisation: (x - mean) / std, or (x - min) / (max - min). */
  record Normalize(List<Double> offset, List<Double> scale, boolean minMax)
      implements PreStageConfig {
    public Normalize {
      offset = List.copyOf(offset);
      scale = List.copyOf(scale);
    }
  }

  /** An encoded image, resized (bilinear) to width x height, RGB. */
  record Image(int width, int height, Layout layout, PixelRange range) implements PreStageConfig {}

  /** 16-bit little-endian PCM to {@code samples} floats scaled by 1/32768. */
  record Pcm(int samples) implements PreStageConfig {}

  enum Layout {
    NHWC,
    NCHW
  }

  enum PixelRange {
    /** [0, 1] */
    UNIT,
    /** [-1, 1] */
    SYMMETRIC
  }
}
