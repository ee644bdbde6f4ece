package io.isthmus.agent.pipeline.pre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.isthmus.agent.config.PreStageConfig;
import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.inference.LoadedModel;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FieldsAndNormalizeTest {
  private static final Function<PreStageConfig.StageModel, LoadedModel> NO_MODELS =
      m -> {
        throw new AssertionError("no stage model expected: " + m);
      };

  @Test
  void fieldsAreSelectedInTheConfiguredOrder() throws Exception {
    FieldsStage stage = new FieldsStage(List.of("rh", "temp"));

    float[] out = stage.apply(Events.fields(Map.of("temp", 21.5, "rh", 40.0, "co2", 400.0))).get();

    assertThat(out).containsExactly(40f, 21.5f);
    assertThat(stage.sampleShape()).containsExactly(2);
  }

  @Test
  void aMissingFieldIsAWrongShape() {
    FieldsStage stage = new FieldsStage(List.of("rh", "temp"));

    assertThatThrownBy(() -> stage.apply(Events.fields(Map.of("temp", 21.5))))
        .isInstanceOf(RejectedEventException.class)
        .hasMessage("field rh is missing, expected [rh, temp], got [temp]");
  }

  @Test
  void meanStdNormalisesPerFeature() {
    Normalizer n = new Normalizer(List.of(10.0, 100.0), List.of(2.0, 50.0), new long[] {2, 2});

    float[] out = n.apply(new float[] {12, 0, 8, 200});

    assertThat(out).containsExactly(1f, -2f, -1f, 2f);
  }

  @Test
  void minMaxMapsTheRangeToZeroOne() throws Exception {
    // GIVEN min [0, 10] and max [50, 110] read from the config as offset min, scale max - min
    Preprocessor pre =
        Preprocessor.of(
            List.of(
                new PreStageConfig.Fields(List.of("temp", "rh")),
                new PreStageConfig.Normalize(List.of(0.0, 10.0), List.of(50.0, 100.0), true)),
            NO_MODELS);

    float[] out = pre.apply(Events.fields(Map.of("temp", 25.0, "rh", 85.0))).get();

    assertThat(out[0]).isCloseTo(0.5f, within(1e-6f));
    assertThat(out[1]).isCloseTo(0.75f, within(1e-6f));
  }

  @Test
  void aNormalizerMustMatchTheLastDimension() {
    assertThatThrownBy(
            () ->
                Preprocessor.of(
                    List.of(
                        new PreStageConfig.Fields(List.of("a", "b", "c")),
                        new PreStageConfig.Normalize(List.of(0.0, 0.0), List.of(1.0, 1.0), false)),
                    NO_MODELS))
        .hasMessage(
            "normalize has 2 features, expected 1 or 3 (the last dimension of the shape [3] of the"
                + " stage before)");
  }
}
