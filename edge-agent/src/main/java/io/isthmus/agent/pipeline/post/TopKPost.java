package io.isthmus.agent.pipeline.post;

import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.inference.Outputs;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.protocol.v1.LabelScore;
import io.isthmus.protocol.v1.ResultSummary;
import java.util.List;

/**
 * The {@code k} highest values of the chosen output, best first (argmax is k = 1), named by a label
 * list (index {@code i} is label {@code i}; without one, the index as text). Ties go to the lower
 * index.
 */
public final class TopKPost implements Postprocessor {
  private final int output;
  private final int k;
  private final List<String> labels;

  public TopKPost(int output, int k, List<String> labels) {
    this.output = output;
    this.k = k;
    this.labels = List.copyOf(labels);
  }

  @Override
  public void apply(Outputs outputs, InferenceResult.Builder result) throws RejectedEventException {
    float[] values = outputs.get(output).toFloatArray();
    if (values.length == 0) {
      throw new RejectedEventException(
          RejectedEventException.BAD_OUTPUT, "output " + outputs.names().get(output) + " is empty");
    }
    int[] best = topK(values, k);
    ResultSummary.Builder summary = ResultSummary.newBuilder();
    for (int index : best) {
      summary.addTopK(
          LabelScore.newBuilder().setIndex(index).setLabel(label(index)).setScore(values[index]));
    }
    summary.setLabel(label(best[0])).setScore(values[best[0]]);
    result.setSummary(summary);
  }

  private String label(int index) {
    return index < labels.size() ? labels.get(index) : Integer.toString(index);
  }

  /** Indices of the {@code k} largest values, largest first, ties to the lower index. */
  public static int[] topK(float[] values, int k) {
    int n = Math.min(k, values.length);
    int[] best = new int[n];
    int filled = 0;
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (filled == n && !(v > values[best[n - 1]])) {
        continue;
      }
      int pos = filled < n ? filled++ : n - 1;
      while (pos > 0 && v > values[best[pos - 1]]) {
        best[pos] = best[pos - 1];
        pos--;
      }
      best[pos] = i;
    }
    return best;
  }
}
