package io.isthmus.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.agent.model.VersionedModel;
import io.isthmus.inference.Engines;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.Tensor;
import io.isthmus.sim.model.VibrationAnomalyModel;
import io.isthmus.sim.profile.VibrationProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SwappableModelTest {
  @TempDir Path dir;

  private LoadedModel model(String name, long seed) throws Exception {
    Path file = dir.resolve(name);
    VibrationAnomalyModel.fit(VibrationProfile.defaults(), 200, seed).write(file);
    return Engines.onnxRuntime().load(file, ModelOptions.builder().intraOpThreads(1).build());
  }

  private static Map<String, Tensor> input() {
    float[] window = new float[256];
    for (int i = 0; i < window.length; i++) {
      window[i] = (float) Math.sin(i * 0.7) * 0.3f;
    }
    return Map.of(VibrationAnomalyModel.INPUT, Tensor.ofFloats(new long[] {1, 256}, window));
  }

  private static float score(LoadedModel model) throws Exception {
    return model.run(input()).get(0).toFloatArray()[0];
  }

  @Test
  void runsDuringASwapEachRunOnceOnTheOldOrTheNewModelAndTheOldOneCloses() throws Exception {
    // GIVEN two models that score the same window differently
    LoadedModel v1 = model("v1.onnx", 1);
    LoadedModel v2 = model("v2.onnx", 99);
    float s1 = score(v1);
    float s2 = score(v2);
    assertThat(s1).isNotEqualTo(s2);
    SwappableModel swappable = new SwappableModel(v1, "1");

    // WHEN 4 threads run without pause while the model is swapped
    ExecutorService pool = Executors.newFixedThreadPool(4);
    ConcurrentLinkedQueue<Float> scores = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> mislabelled = new ConcurrentLinkedQueue<>();
    AtomicBoolean swapped = new AtomicBoolean();
    CountDownLatch running = new CountDownLatch(4);
    List<Future<Integer>> runners = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      runners.add(
          pool.submit(
              () -> {
                running.countDown();
                int runs = 0;
                int afterSwap = 0;
                while (afterSwap < 50) {
                  VersionedModel.Served served = swappable.runVersioned(input());
                  float score = served.outputs().get(0).toFloatArray()[0];
                  scores.add(score);
                  if (!served.version().equals(score == s1 ? "1" : "2")) {
                    mislabelled.add(served.version() + " -> " + score);
                  }
                  runs++;
                  if (swapped.get()) {
                    afterSwap++;
                  }
                }
                return runs;
              }));
    }
    running.await();
    RunWindow v1Runs = swappable.runs();
    RunWindow v2Runs = swappable.swap(v2, "2");
    swapped.set(true);
    int runs = 0;
    for (Future<Integer> r : runners) {
      runs += r.get();
    }
    pool.shutdown();

    // THEN no run failed or was lost, every score came from one of the two models and names the
    // version that produced it, each version counted its own runs, the new one answers now, and
    // the old one is closed
    assertThat(scores).hasSize(runs);
    assertThat(mislabelled).isEmpty();
    assertThat(v1Runs.runs() + v2Runs.runs()).isEqualTo(runs);
    assertThat(v2Runs.runs()).isEqualTo(scores.stream().filter(s -> s == s2).count());
    assertThat(scores).allMatch(s -> s == s1 || s == s2);
    assertThat(scores).contains(s2);
    assertThat(score(swappable)).isEqualTo(s2);
    assertThat(swappable.version()).isEqualTo("2");
    assertThatThrownBy(v1::signature).isInstanceOf(IllegalStateException.class);
    swappable.close();
    assertThatThrownBy(() -> swappable.run(input())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void eachVersionCountsItsOwnRunsAndFailuresFromItsSwap() throws Exception {
    SwappableModel swappable = new SwappableModel(model("v1.onnx", 1), "1");
    swappable.run(input());
    RunWindow window = swappable.swap(model("v2.onnx", 2), "2");

    swappable.run(input());
    swappable.run(input());
    assertThatThrownBy(() -> swappable.run(Map.of())).isNotNull();

    assertThat(swappable.runs()).isSameAs(window);
    assertThat(window.runs()).isEqualTo(3);
    assertThat(window.errors()).isEqualTo(1);
    assertThat(window.errorRate()).isEqualTo(1.0 / 3);
    assertThat(window.p99Nanos()).isPositive();
    assertThat(window.percentileNanos(0.5)).isPositive().isLessThanOrEqualTo(window.p99Nanos());
    swappable.close();
  }
}
