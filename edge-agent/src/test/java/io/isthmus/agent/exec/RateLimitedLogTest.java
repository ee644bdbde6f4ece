package io.isthmus.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {

  @Test
  void logsOncePerReasonPerInterval() {
    RateLimitedLog log =
        new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), Duration.ofHours(1));

    assertThat(log.warn("a", "first a")).isTrue();
    assertThat(log.warn("a", "second a")).isFalse();
    assertThat(log.warn("b", "first b")).isTrue();
    assertThat(log.warn("a", "third a")).isFalse();
  }

  @Test
  void logsAgainAfterTheInterval() {
    RateLimitedLog log =
        new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), Duration.ZERO);

    assertThat(log.warn("a", "first")).isTrue();
    assertThat(log.warn("a", "second")).isTrue();
  }
}
