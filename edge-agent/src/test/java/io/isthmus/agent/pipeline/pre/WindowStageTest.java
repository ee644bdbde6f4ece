package io.isthmus.agent.pipeline.pre;

import static io.isthmus.agent.pipeline.pre.Events.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.protocol.v1.NumericSeries;
import io.isthmus.protocol.v1.SensorEvent;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WindowStageTest {

  @Test
  void emitsWhenFullThenEveryHopSamples() throws Exception {
    // GIVEN a window of 4 samples advancing by 2
    WindowStage window = new WindowStage(4, 2, 1, 10);

    // WHEN samples 1..8 arrive one per event
    // THEN windows come out after samples 4, 6 and 8, each the last 4 in arrival order
    assertThat(window.apply(series("a", 1))).isEmpty();
    assertThat(window.apply(series("a", 2))).isEmpty();
    assertThat(window.apply(series("a", 3))).isEmpty();
    assertThat(window.apply(series("a", 4))).contains(new float[] {1, 2, 3, 4});
    assertThat(window.apply(series("a", 5))).isEmpty();
    assertThat(window.apply(series("a", 6))).contains(new float[] {3, 4, 5, 6});
    assertThat(window.apply(series("a", 7))).isEmpty();
    assertThat(window.apply(series("a", 8))).contains(new float[] {5, 6, 7, 8});
  }

  @Test
  void anEventCrossingSeveralHopsEmitsOnlyTheLatestWindow() throws Exception {
    WindowStage window = new WindowStage(4, 1, 1, 10);

    Optional<float[]> out = window.apply(series("a", 1, 2, 3, 4, 5, 6));

    assertThat(out).contains(new float[] {3, 4, 5, 6});
  }

  @Test
  void devicesHaveTheirOwnWindows() throws Exception {
    WindowStage window = new WindowStage(2, 2, 1, 10);

    assertThat(window.apply(series("a", 1))).isEmpty();
    assertThat(window.apply(series("b", 10))).isEmpty();
    assertThat(window.apply(series("a", 2))).contains(new float[] {1, 2});
    assertThat(window.apply(series("b", 20))).contains(new float[] {10, 20});
  }

  @Test
  void keepsAtMostMaxDevicesForgettingTheLeastRecentlySeen() throws Exception {
    WindowStage window = new WindowStage(2, 2, 1, 2);
    window.apply(series("a", 1));
    window.apply(series("b", 1));
    window.apply(series("a", 5)); // a emits and is now the most recent

    window.apply(series("c", 1)); // evicts b

    assertThat(window.deviceCount()).isEqualTo(2);
    assertThat(window.evictions()).isEqualTo(1);
    assertThat(window.apply(series("b", 2))).isEmpty(); // b starts over
  }

  @Test
  void interleavedChannelsKeepTheirOrder() throws Exception {
    WindowStage window = new WindowStage(2, 2, 3, 10);
    SensorEvent event =
        SensorEvent.newBuilder()
            .setDeviceId("a")
            .setSeries(
                NumericSeries.newBuilder()
                    .setChannels(3)
                    .addAllValues(java.util.List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0)))
            .build();

    assertThat(window.sampleShape()).containsExactly(2, 3);
    assertThat(window.apply(event)).contains(new float[] {1, 2, 3, 4, 5, 6});
  }

  @Test
  void wrongChannelCountOrPayloadIsRejected() {
    WindowStage window = new WindowStage(4, 4, 2, 10);

    assertThatThrownBy(() -> window.apply(series("a", 1, 2, 3)))
        .isInstanceOf(RejectedEventException.class)
        .extracting(e -> ((RejectedEventException) e).reason())
        .isEqualTo(RejectedEventException.WRONG_SHAPE);
    assertThatThrownBy(() -> window.apply(Events.fields(java.util.Map.of("t", 1.0))))
        .extracting(e -> ((RejectedEventException) e).reason())
        .isEqualTo(RejectedEventException.WRONG_PAYLOAD);
  }
}
