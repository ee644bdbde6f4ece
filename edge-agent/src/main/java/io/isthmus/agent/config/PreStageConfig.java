package io.isthmus.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

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

  /**
   * A per-device stream of rows (the previous stage's output, one row per element of its last
   * dimension): keeps the last {@code window} rows, and every {@code hop} new rows either runs
   * {@code model} on them (its output becomes this stage's rows) or, without a model, passes the
   * window on. With {@code fill} the window starts full of that value, so results come from the
   * first event on; without it the stage waits until {@code window} rows arrived.
   */
  record Stream(
      int window, int hop, OptionalDouble fill, Optional<StageModel> model, int maxDevices)
      implements PreStageConfig {}

  /** A model run inside a pre-processing stage. */
  record StageModel(Path path, PipelineConfig.Engine engine, int threads) {}

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
