package io.isthmus.agent.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReconnectBackoffTest {

  @Test
  void doublesFromTheInitialDelayUpToTheMaximum() {
    // GIVEN a backoff whose jitter always picks the top of the range
    ReconnectBackoff top =
        new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(30), () -> 0.999999);

    // THEN
    assertThat(top.delayMillis(1)).isEqualTo(99);
    assertThat(top.delayMillis(2)).isEqualTo(199);
    assertThat(top.delayMillis(4)).isEqualTo(799);
    assertThat(top.delayMillis(20)).isEqualTo(29_999);
    assertThat(top.delayMillis(Integer.MAX_VALUE)).isEqualTo(29_999);
  }

  @Test
  void jitterKeepsAtLeastHalfOfTheDelay() {
    ReconnectBackoff bottom =
        new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(30), () -> 0.0);

    assertThat(bottom.delayMillis(1)).isEqualTo(50);
    assertThat(bottom.delayMillis(3)).isEqualTo(200);
    assertThat(bottom.delayMillis(30)).isEqualTo(15_000);
  }

  @Test
  void neverWaitsLessThanOneMillisecond() {
    ReconnectBackoff tiny =
        new ReconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(1), () -> 0);

    assertThat(tiny.delayMillis(1)).isEqualTo(1);
    assertThat(tiny.delayMillis(0)).isEqualTo(1);
  }
}
