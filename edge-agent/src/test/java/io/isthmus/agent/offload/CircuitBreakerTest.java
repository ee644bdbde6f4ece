package io.isthmus.agent.offload;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.config.SplitSettings.BreakerSettings;
import io.isthmus.agent.offload.CircuitBreaker.State;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong();

  private CircuitBreaker breaker(int failures, double rate, int window) {
    return new CircuitBreaker(
        new BreakerSettings(failures, rate, window, Duration.ofSeconds(5)), now::get);
  }

  @Test
  void opensAfterConsecutiveFailuresAndRefusesUntilTheCoolDown() {
    CircuitBreaker breaker = breaker(3, 1.0, 100);
    for (int i = 0; i < 2; i++) {
      assertThat(breaker.tryAcquire()).isTrue();
      breaker.onFailure();
    }
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    breaker.onSuccess(); // breaks the run of failures
    breaker.onFailure();
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();

    now.addAndGet(Duration.ofMillis(4999).toNanos());
    assertThat(breaker.tryAcquire()).isFalse();
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
  }

  @Test
  void halfOpenLetsOneProbeThroughAndItsSuccessCloses() {
    CircuitBreaker breaker = breaker(1, 1.0, 10);
    breaker.onFailure();
    now.addAndGet(Duration.ofSeconds(5).toNanos());

    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.tryAcquire()).as("a second caller while the probe runs").isFalse();
    breaker.onSuccess();

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aFailedProbeOpensForAnotherCoolDown() {
    CircuitBreaker breaker = breaker(1, 1.0, 10);
    breaker.onFailure();
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    now.addAndGet(Duration.ofSeconds(4).toNanos());
    assertThat(breaker.tryAcquire()).isFalse();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void opensOnTheErrorRateOfAFullWindowWithoutConsecutiveFailures() {
    CircuitBreaker breaker = breaker(100, 0.5, 4);
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    assertThat(breaker.state()).as("window not full yet").isEqualTo(State.CLOSED);
    breaker.onSuccess();
    assertThat(breaker.state()).as("a success never opens").isEqualTo(State.CLOSED);
    breaker.onFailure(); // window now: success, failure, success, failure -> 2 of 4
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void theWindowForgetsOldOutcomes() {
    CircuitBreaker breaker = breaker(100, 0.75, 4);
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onSuccess();
    breaker.onSuccess(); // the first failure leaves the window: 1 of 4
    breaker.onFailure(); // 2 of 4, below 3 of 4
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    breaker.onFailure(); // success, success, failure, failure... oldest success leaves: 2 of 4
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    breaker.onFailure(); // success, failure, failure, failure: 3 of 4
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }
}
