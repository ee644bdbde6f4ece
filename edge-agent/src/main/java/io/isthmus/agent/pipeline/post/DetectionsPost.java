package io.isthmus.agent.pipeline.post;

import io.isthmus.agent.config.PostStageConfig;
import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.protocol.v1.ResultSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * BlazeFace-style detection decoding: per anchor a logit score and a box {dx, dy, w, h, ...} in
 * input pixels relative to the anchor centre; scores through a sigmoid, boxes above the score
 * threshold kept, then {@link NonMaxSuppression}. The result gets an output {@code detections} [n,
 * 5] (xmin, ymin, xmax, ymax, score; normalised coordinates) and a summary with the best score.
 */
public final class DetectionsPost implements Postprocessor {
  private final PostStageConfig.Detections config;
  private final float[][] anchors;

  public DetectionsPost(PostStageConfig.Detections config) {
    this.config = config;
    this.anchors =
        SsdAnchors.generate(config.inputSize(), config.strides(), config.anchorsPerLayer());
  }

  public int anchorCount() {
    return anchors.length;
  }

  @Override
  public void apply(Outputs outputs, InferenceResult.Builder result) throws RejectedEventException {
    List<Detection> found = decode(outputs);
    float[] flat = new float[found.size() * 5];
    for (int i = 0; i < found.size(); i++) {
      Detection d = found.get(i);
      System.arraycopy(
          new float[] {d.xmin(), d.ymin(), d.xmax(), d.ymax(), d.score()}, 0, flat, i * 5, 5);
    }
    result.addOutputs(
        ResultTensors.toProto("detections", Tensor.ofFloats(new long[] {found.size(), 5}, flat)));
    result.setSummary(
        ResultSummary.newBuilder()
            .setLabel(found.isEmpty() ? "none" : "detected")
            .setScore(found.isEmpty() ? 0 : found.get(0).score()));
  }

  /** The detections after thresholding and NMS, best first. */
  public List<Detection> decode(Outputs outputs) throws RejectedEventException {
    float[] scores = concat(outputs, config.scoreOutputs());
    float[] boxes = concat(outputs, config.boxOutputs());
    if (scores.length != anchors.length || boxes.length % anchors.length != 0) {
      throw new RejectedEventException(
          RejectedEventException.BAD_OUTPUT,
          scores.length
              + " scores and "
              + boxes.length
              + " box values, expected "
              + anchors.length
              + " anchors");
    }
    int stride = boxes.length / anchors.length;
    float size = config.inputSize();
    List<Detection> candidates = new ArrayList<>();
    for (int i = 0; i < anchors.length; i++) {
      float logit = Math.max(-100f, Math.min(100f, scores[i]));
      float score = (float) (1 / (1 + Math.exp(-logit)));
      if (score < config.scoreThreshold()) {
        continue;
      }
      int b = i * stride;
      float cx = boxes[b] / size + anchors[i][0];
      float cy = boxes[b + 1] / size + anchors[i][1];
      float w = boxes[b + 2] / size;
      float h = boxes[b + 3] / size;
      candidates.add(new Detection(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score));
    }
    return NonMaxSuppression.apply(
        candidates, (float) config.iouThreshold(), config.maxDetections());
  }

  private static float[] concat(Outputs outputs, List<Integer> indices)
      throws RejectedEventException {
    List<float[]> parts = new ArrayList<>();
    int total = 0;
    for (int index : indices) {
      if (index >= outputs.size()) {
        throw new RejectedEventException(
            RejectedEventException.BAD_OUTPUT,
            "output index " + index + " is not below the output count " + outputs.size());
      }
      float[] part = outputs.get(index).toFloatArray();
      parts.add(part);
      total += part.length;
    }
    float[] out = new float[total];
    int at = 0;
    for (float[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
