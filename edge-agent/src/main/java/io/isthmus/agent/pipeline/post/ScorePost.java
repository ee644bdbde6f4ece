package io.isthmus.agent.pipeline.post;

import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.inference.Outputs;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.protocol.v1.ResultSummary;

/**
 * Anomaly scoring: the first value of the chosen output is the anomaly score; the label is {@code
 * anomaly} when it is above the threshold, else {@code normal}.
 */
public final class ScorePost implements Postprocessor {
  private final int output;
  private final double threshold;

  public ScorePost(int output, double threshold) {
    this.output = output;
    this.threshold = threshold;
  }

  @Override
  public void apply(Outputs outputs, InferenceResult.Builder result) throws RejectedEventException {
    float[] values = outputs.get(output).toFloatArray();
    if (values.length == 0 || !Float.isFinite(values[0])) {
      throw new RejectedEventException(
          RejectedEventException.BAD_OUTPUT,
          "output " + outputs.names().get(output) + " has no finite score");
    }
    double score = values[0];
    result.setSummary(
        ResultSummary.newBuilder()
            .setAnomalyScore(score)
            .setScore(score)
            .setLabel(score > threshold ? "anomaly" : "normal"));
  }
}
