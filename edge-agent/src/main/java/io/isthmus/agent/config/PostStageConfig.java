package io.isthmus.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** How a pipeline turns model outputs into a result summary. */
public sealed interface PostStageConfig {

  /** Anomaly score: the first value of the output; anomalous above {@code threshold}. */
  record Score(double threshold) implements PostStageConfig {}

  /** The {@code k} best classes (argmax is k = 1), named from a labels file (one per line). */
  record TopK(int k, Optional<Path> labels) implements PostStageConfig {}

  /**
   * SSD-style box decoding (BlazeFace) and non-maximum suppression. Score and box outputs are given
   * by index in the model's output order, concatenated in the order listed.
   */
  record Detections(
      int inputSize,
      List<Integer> strides,
      int anchorsPerLayer,
      List<Integer> scoreOutputs,
      List<Integer> boxOutputs,
      double scoreThreshold,
      double iouThreshold,
      int maxDetections)
      implements PostStageConfig {
    public Detections {
      strides = List.copyOf(strides);
      scoreOutputs = List.copyOf(scoreOutputs);
      boxOutputs = List.copyOf(boxOutputs);
    }
  }

  /** The raw output tensors, no summary. */
  record Raw() implements PostStageConfig {}
}
