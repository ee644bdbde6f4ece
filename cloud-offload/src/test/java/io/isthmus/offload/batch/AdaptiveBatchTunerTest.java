package io.isthmus.offload.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdaptiveBatchTunerTest {
  @Test
  void picksTheLargestBatchWhoseTwoRunsFitTheTarget() {
    // s(b) = 2 + 0.5 b ms; 2 s(b) <= 20 holds up to b = 16
    BatchPlan plan = AdaptiveBatchTuner.choose(2, 0.5, 1, 20, 64, 1);

    assertThat(plan.maxBatchSize()).isEqualTo(16);
    // gathering 15 more rows at 1 row/ms takes 15 ms; the target leaves 20 - 2 * 10 = 0 ms
    assertThat(plan.delayNanos()).isZero();
  }

  @Test
  void theDelayIsTheTimeToGatherTheBatchWhenTheTargetLeavesRoom() {
    // s(b) = 1 + 0.25 b ms, cap 8: s(8) = 3, slack = 20 - 6 = 14 ms; 7 rows at 1 row/ms = 7 ms
    BatchPlan plan = AdaptiveBatchTuner.choose(1, 0.25, 1, 20, 8, 1);

    assertThat(plan.maxBatchSize()).isEqualTo(8);
    assertThat(plan.delayNanos()).isEqualTo(7_000_000);
  }

  @Test
  void aTargetThatEvenOneRowMissesAtLightLoadTurnsBatchingOff() {
    BatchPlan plan = AdaptiveBatchTuner.choose(30, 1, 0.01, 20, 64, 1);

    assertThat(plan).isEqualTo(new BatchPlan(1, 0));
  }

  @Test
  void underLoadTheBatchGrowsUntilTheServerKeepsUpEvenPastTheTarget() {
    // 1 row/ms arrives; s(b) = 2 + 0.5 b keeps up only from b = 5 (4.5 ms per 5 rows), while the
    // 6 ms target alone would allow b <= 2
    BatchPlan plan = AdaptiveBatchTuner.choose(2, 0.5, 1, 6, 64, 1);

    assertThat(plan).isEqualTo(new BatchPlan(5, 0));
    // two instances share the load: b = 2 keeps up (3 ms per 2 rows on each of 2 instances)
    assertThat(AdaptiveBatchTuner.choose(2, 0.5, 1, 6, 64, 2).maxBatchSize()).isEqualTo(2);
  }

  @Test
  void measuredRunsReplaceTheInitialPlan() {
    AdaptiveBatchTuner tuner =
        new AdaptiveBatchTuner(32, 1, 10_000_000, new BatchPlan(4, 1_000_000));
    long now = 0;
    for (int i = 0; i < 64; i++) {
      tuner.arrived(1, now);
      now += 1_000_000; // 1 row per ms
    }
    // runs of b rows take 1 + 0.25 b ms
    for (int i = 0; i < AdaptiveBatchTuner.WINDOW; i++) {
      int rows = 1 + i % 8;
      tuner.observe(rows, (long) ((1 + 0.25 * rows) * 1e6));
    }

    // 2 (1 + 0.25 b) <= 10 holds up to b = 16
    assertThat(tuner.plan().maxBatchSize()).isEqualTo(16);
  }
}
