package io.isthmus.agent.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isthmus.agent.config.SplitSettings.Candidate;
import io.isthmus.agent.config.SplitSettings.Policy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PathChooserTest {
  private final AtomicLong now = new AtomicLong();
  private final NetworkEstimator network = new NetworkEstimator(1.0);
  private final List<Candidate> cuts =
      List.of(
          new Candidate(Path.of("early.onnx"), "tail-early", Optional.empty(), 2),
          new Candidate(Path.of("late.onnx"), "tail-late", Optional.empty(), 1));

  private PathChooser chooser(Policy policy) {
    return new PathChooser(cuts, policy, Duration.ofSeconds(10), network, now::get);
  }

  @Test
  void picksTheCutOfLeastPredictedLatencyAndAllEdgeWhenTheCloudCannotWin() {
    PathChooser chooser = chooser(Policy.ADAPTIVE);
    network.recordRtt(10);
    network.recordTransfer(1_000, 11, 0); // 1000 bytes/ms
    chooser.headRan(0, 1); // early cut: small head, big tensor
    chooser.offloaded(0, 40_000, 53);
    chooser.headRan(1, 8); // late cut: big head, small tensor
    chooser.offloaded(1, 1_000, 12);
    network.recordTransfer(1_000, 11, 0); // keep 1000 bytes/ms after the two offloads

    // early: 1 + 10 + 40 + 2 = 53; late: 8 + 10 + 1 + 1 = 20
    assertThat(chooser.predictMs(0).getAsDouble()).isCloseTo(53, within(1e-9));
    assertThat(chooser.predictMs(1).getAsDouble()).isCloseTo(20, within(1e-9));
    chooser.localRan(30);
    assertThat(chooser.choose()).isEqualTo(1);

    for (int i = 0; i < 40; i++) { // the local average moves from 30 ms towards 5 ms
      chooser.localRan(5);
    }
    assertThat(chooser.localMs().getAsDouble()).isLessThan(20);
    assertThat(chooser.choose()).isEqualTo(PathChooser.ALL_EDGE);
  }

  @Test
  void probesTheCloudWhenItWasNotUsedForTheProbeInterval() {
    PathChooser chooser = chooser(Policy.ADAPTIVE);
    network.recordRtt(100);
    chooser.localRan(1);
    assertThat(chooser.choose()).isEqualTo(PathChooser.ALL_EDGE);
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(chooser.choose()).isEqualTo(1);
    chooser.offloaded(1, 100, 101);
    assertThat(chooser.choose()).isEqualTo(PathChooser.ALL_EDGE);
  }

  @Test
  void theFirstEventMeasuresTheFullModel() {
    PathChooser chooser = chooser(Policy.ADAPTIVE);
    network.recordRtt(1);
    assertThat(chooser.choose()).isEqualTo(PathChooser.ALL_EDGE);
    chooser.localRan(50);
    assertThat(chooser.choose()).isEqualTo(1); // 1 ms RTT + 1 ms cloud beats 50 ms
  }

  @Test
  void alwaysTakesTheFirstCut() {
    PathChooser chooser = chooser(Policy.ALWAYS);
    network.recordRtt(1000);
    chooser.localRan(0.1);
    assertThat(chooser.choose()).isZero();
  }
}
