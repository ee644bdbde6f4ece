package io.isthmus.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.config.SyncConfig.RollbackSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunWindowTest {
  private static final RollbackSettings BOUNDS =
      new RollbackSettings(Duration.ofSeconds(1), 10, 0.1, Duration.ofMillis(5));

  @Test
  void withinBoundsThereIsNoVerdict() {
    RunWindow window = new RunWindow();
    for (int i = 0; i < 100; i++) {
      window.record(i != 0, 1_000_000); // 1 failure in 100, 1 ms each
    }
    assertThat(window.verdict(BOUNDS)).isEmpty();
    assertThat(window.p99Nanos()).isEqualTo(1_000_000);
  }

  @Test
  void tooManyFailuresAreAnErrorRateVerdict() {
    RunWindow window = new RunWindow();
    for (int i = 0; i < 20; i++) {
      window.record(i % 4 != 0, 1_000_000); // 5 of 20 fail
    }
    assertThat(window.verdict(BOUNDS)).contains("error_rate: 25.0% of 20 runs failed, bound 10.0%");
  }

  @Test
  void aSlowTailIsALatencyVerdict() {
    RunWindow window = new RunWindow();
    for (int i = 0; i < 100; i++) {
      window.record(true, i < 97 ? 1_000_000 : 9_000_000); // 3 of 100 take 9 ms
    }
    assertThat(window.p99Nanos()).isEqualTo(9_000_000);
    assertThat(window.verdict(BOUNDS))
        .contains("latency: p99 9000 us over 100 runs, bound 5000 us");
    assertThat(window.verdict(new RollbackSettings(Duration.ofSeconds(1), 10, 0.1, Duration.ZERO)))
        .isEmpty();
  }

  @Test
  void percentilesAreNearestRankOverTheKeptRuns() {
    RunWindow window = new RunWindow(42);
    for (int i = 1; i <= 100; i++) {
      window.record(i % 10 != 0, i * 1_000L); // 1..100 us, every tenth failed
    }
    assertThat(window.sinceUs()).isEqualTo(42);
    assertThat(window.runs()).isEqualTo(100);
    assertThat(window.errors()).isEqualTo(10);
    assertThat(window.percentileNanos(0.5)).isEqualTo(50_000);
    assertThat(window.percentileNanos(0.95)).isEqualTo(95_000);
    assertThat(new RunWindow().percentileNanos(0.5)).isZero();
  }
}
