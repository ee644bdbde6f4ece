package io.isthmus.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.agent.config.ConfigException;
import io.isthmus.inference.DataType;
import io.isthmus.inference.ModelSignature;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.TensorSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelBindingTest {
  private static ModelSignature signature(long... inputShape) {
    return new ModelSignature(
        List.of(new TensorSpec("x", DataType.FLOAT32, inputShape)),
        List.of(new TensorSpec("y", DataType.FLOAT32, new long[] {-1, 1})));
  }

  @Test
  void aShapeMismatchNamesThePipelineAndBothShapes() {
    assertThatThrownBy(
            () -> ModelBinding.bind("faces", signature(1, 128, 128, 3), null, new long[] {256}))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config error at pipelines[faces].model: pipeline faces: pre-processing makes samples of"
                + " shape [256] (plus a batch dimension) but model input x has shape [1, 128, 128, 3]"
                + " (-1 is any size)");
  }

  @Test
  void anUnknownInputNameListsTheInputs() {
    assertThatThrownBy(() -> ModelBinding.bind("p", signature(-1, 4), "image", new long[] {4}))
        .hasMessage(
            "config error at pipelines[p].model.input: \"image\" is not an input of the model,"
                + " expected one of [x]");
  }

  @Test
  void samplesStackIntoABatchAndOutputsSplitBack() {
    ModelBinding binding = ModelBinding.bind("p", signature(-1, 2), null, new long[] {2});

    Tensor stacked = binding.stack(List.of(new float[] {1, 2}, new float[] {3, 4})).get("x");
    Outputs out = new Outputs(Map.of("y", Tensor.ofFloats(new long[] {2, 1}, 0.25f, 0.75f)));

    assertThat(binding.dynamicBatch()).isTrue();
    assertThat(stacked.shape()).containsExactly(2, 2);
    assertThat(stacked.toFloatArray()).containsExactly(1, 2, 3, 4);
    assertThat(ModelBinding.slice(out, 1, 2).get("y").toFloatArray()).containsExactly(0.75f);
    assertThat(ModelBinding.slice(out, 1, 2).get("y").shape()).containsExactly(1, 1);
  }

  @Test
  void aFixedInputShapeTakesSamplesOfTheSameSize() {
    ModelBinding binding = ModelBinding.bind("p", signature(1, 1, 4), null, new long[] {4});

    assertThat(binding.dynamicBatch()).isFalse();
    assertThat(binding.stack(List.of(new float[4])).get("x").shape()).containsExactly(1, 1, 4);
  }
}
