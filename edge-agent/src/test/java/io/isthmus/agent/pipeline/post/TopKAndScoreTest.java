package io.isthmus.agent.pipeline.post;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.protocol.v1.LabelScore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopKAndScoreTest {

  private static Outputs outputs(float... values) {
    return new Outputs(Map.of("y", Tensor.ofFloats(new long[] {1, values.length}, values)));
  }

  @Test
  void topKIsBestFirstWithTiesToTheLowerIndex() {
    assertThat(TopKPost.topK(new float[] {0.1f, 0.7f, 0.2f, 0.7f, 0.05f}, 3))
        .containsExactly(1, 3, 2);
    assertThat(TopKPost.topK(new float[] {3f, 1f}, 5)).containsExactly(0, 1);
  }

  @Test
  void topKNamesClassesFromTheLabels() throws Exception {
    InferenceResult.Builder result = InferenceResult.newBuilder();

    new TopKPost(0, 2, List.of("cat", "dog", "bird")).apply(outputs(0.2f, 0.1f, 0.7f), result);

    assertThat(result.getSummary().getLabel()).isEqualTo("bird");
    assertThat(result.getSummary().getScore())
        .isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(result.getSummary().getTopKList())
        .extracting(LabelScore::getLabel, LabelScore::getIndex)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("bird", 2),
            org.assertj.core.groups.Tuple.tuple("cat", 0));
  }

  @Test
  void argmaxWithoutLabelsUsesTheIndex() throws Exception {
    InferenceResult.Builder result = InferenceResult.newBuilder();

    new TopKPost(0, 1, List.of()).apply(outputs(-1f, -3f, 4f, 0f), result);

    assertThat(result.getSummary().getLabel()).isEqualTo("2");
    assertThat(result.getSummary().getTopKCount()).isEqualTo(1);
  }

  @Test
  void scoreAboveTheThresholdIsAnAnomaly() throws Exception {
    InferenceResult.Builder high = InferenceResult.newBuilder();
    InferenceResult.Builder low = InferenceResult.newBuilder();
    ScorePost post = new ScorePost(0, 3.0);

    post.apply(outputs(7.5f), high);
    post.apply(outputs(1.25f), low);

    assertThat(high.getSummary().getAnomalyScore()).isEqualTo(7.5);
    assertThat(high.getSummary().getLabel()).isEqualTo("anomaly");
    assertThat(low.getSummary().getAnomalyScore()).isEqualTo(1.25);
    assertThat(low.getSummary().getLabel()).isEqualTo("normal");
  }

  @Test
  void rawCopiesEveryOutputTensor() {
    InferenceResult.Builder result = InferenceResult.newBuilder();

    new RawPost().apply(outputs(1f, 2f), result);

    assertThat(result.getOutputsList()).hasSize(1);
    assertThat(result.getOutputs(0).getName()).isEqualTo("y");
    assertThat(result.getOutputs(0).getShapeList()).containsExactly(1L, 2L);
    assertThat(result.getOutputs(0).getDtype()).isEqualTo(io.isthmus.protocol.v1.DataType.FP32);
    assertThat(result.getOutputs(0).getRawData().size()).isEqualTo(8);
  }
}
