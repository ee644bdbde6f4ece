package io.isthmus.sim.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

  @Test
  void nearestRankPercentilesOfOneToHundred() {
    LatencyRecorder r = new LatencyRecorder();
    List<Long> values = new ArrayList<>();
    for (long v = 1; v <= 100; v++) {
      values.add(v);
    }
    Collections.shuffle(values, new Random(1));
    values.forEach(r::record);

    assertThat(r.percentiles(50, 95, 99, 100, 0.5)).containsExactly(50, 95, 99, 100, 1);
    assertThat(r.percentile(99.5)).isEqualTo(100);
    assertThat(r.percentile(50.5)).isEqualTo(51);
    LatencySummary s = r.summary(1);
    assertThat(s).isEqualTo(new LatencySummary(100, 1, 50.5, 50, 95, 99, 100));
  }

  @Test
  void smallCountsAndDuplicates() {
    LatencyRecorder r = new LatencyRecorder();
    r.record(7);
    assertThat(r.percentiles(1, 50, 99)).containsExactly(7, 7, 7);
    r.record(3);
    r.record(3);
    // Sorted 3, 3, 7: rank ceil(0.5 * 3) = 2 -> 3; ceil(0.99 * 3) = 3 -> 7.
    assertThat(r.percentiles(50, 66.6, 67, 99)).containsExactly(3, 3, 7, 7);
    assertThat(r.summary(1e6).max()).isEqualTo(7e-6);
  }

  @Test
  void keepsEveryValueAcrossGrowthAndThreads() throws Exception {
    LatencyRecorder r = new LatencyRecorder();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      int offset = t;
      pool.submit(
          () -> {
            for (int i = 0; i < 10_000; i++) {
              r.record(i * 4L + offset); // the four threads together record 0..39999
            }
          });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    assertThat(r.count()).isEqualTo(40_000);
    assertThat(r.percentiles(25, 50, 99.99, 100)).containsExactly(9_999, 19_999, 39_995, 39_999);
  }

  @Test
  void rejectsBadInput() {
    LatencyRecorder r = new LatencyRecorder();
    assertThatThrownBy(() -> r.percentile(50)).isInstanceOf(IllegalStateException.class);
    assertThat(r.summary(1)).isEqualTo(LatencySummary.EMPTY);
    assertThatThrownBy(() -> r.record(-1)).hasMessage("latency is -1, expected at least 0");
    r.record(1);
    assertThatThrownBy(() -> r.percentile(0)).hasMessage("percentile is 0.0, expected in (0, 100]");
  }
}
