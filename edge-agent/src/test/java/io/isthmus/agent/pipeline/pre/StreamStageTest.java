package io.isthmus.agent.pipeline.pre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.agent.pipeline.RejectedEventException;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The per-device row window of a stream stage, without a model (models: WakeWordChainTest). */
class StreamStageTest {

  @Test
  void withoutFillItWaitsForAFullWindowThenEmitsEveryHop() throws Exception {
    StreamStage stage = new StreamStage(3, 2, OptionalDouble.empty(), null, 10, new long[] {2});

    assertThat(stage.outputShape()).containsExactly(3);
    assertThat(stage.apply("d", new float[] {1, 2})).isEmpty();
    assertThat(stage.apply("d", new float[] {3})).contains(new float[] {1, 2, 3});
    assertThat(stage.apply("d", new float[] {4})).isEmpty();
    // two rows due in one event: the latest window only
    assertThat(stage.apply("d", new float[] {5, 6, 7})).contains(new float[] {5, 6, 7});
  }

  @Test
  void withFillTheFirstRowsAlreadyMakeAWindowAndDevicesAreApart() throws Exception {
    StreamStage stage = new StreamStage(3, 1, OptionalDouble.of(-1), null, 10, new long[] {1});

    assertThat(stage.apply("a", new float[] {7})).contains(new float[] {-1, -1, 7});
    assertThat(stage.apply("b", new float[] {9})).contains(new float[] {-1, -1, 9});
    assertThat(stage.apply("a", new float[] {8})).contains(new float[] {-1, 7, 8});
  }

  @Test
  void rowsAreAsWideAsTheLastDimension() throws Exception {
    // GIVEN features of shape [2, 3]: two rows of three
    StreamStage stage = new StreamStage(3, 1, OptionalDouble.of(0), null, 10, new long[] {2, 3});

    assertThat(stage.outputShape()).containsExactly(3, 3);
    assertThat(stage.apply("d", new float[] {1, 2, 3, 4, 5, 6}))
        .contains(new float[] {0, 0, 0, 1, 2, 3, 4, 5, 6});
    assertThatThrownBy(() -> stage.apply("d", new float[] {1, 2}))
        .isInstanceOf(RejectedEventException.class)
        .hasMessage("2 features are not whole rows of 3");
  }

  @Test
  void theLeastRecentlySeenDeviceIsForgotten() throws Exception {
    StreamStage stage = new StreamStage(2, 1, OptionalDouble.empty(), null, 1, new long[] {1});

    assertThat(stage.apply("a", new float[] {1})).isEmpty();
    assertThat(stage.apply("b", new float[] {5})).isEmpty(); // evicts a
    assertThat(stage.apply("a", new float[] {2})).isEmpty(); // a starts over
    assertThat(stage.apply("a", new float[] {3})).contains(new float[] {2, 3});
  }
}
