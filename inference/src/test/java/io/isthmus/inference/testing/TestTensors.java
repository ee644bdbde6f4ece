package io.isthmus.inference.testing;

import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Deterministic inputs and a concurrency harness for model tests. */
public final class TestTensors {
  private TestTensors() {}

  /** A FLOAT32 tensor of uniform values in [lo, hi), the same for the same seed. */
  public static Tensor uniform(long[] shape, long seed, float lo, float hi) {
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] data = new float[Math.toIntExact(count)];
    for (int i = 0; i < data.length; i++) {
      data[i] = lo + (float) random.nextDouble() * (hi - lo);
    }
    return Tensor.ofFloats(shape, data);
  }

  /** The largest absolute difference between two equally long arrays. */
  public static float maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("Lengths differ: " + a.length + " vs " + b.length);
    }
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /**
   * Runs {@code model} on every input of {@code inputs} {@code rounds} times from {@code threads}
   * threads started together; returns the outputs per thread, in input order per round.
   */
  public static List<List<Outputs>> runConcurrently(
      LoadedModel model, List<Map<String, Tensor>> inputs, int threads, int rounds)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<Outputs>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  List<Outputs> results =
                      new ArrayList<>(Collections.nCopies(rounds * inputs.size(), null));
                  for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < inputs.size(); i++) {
                      // threads walk the inputs from different places so runs interleave
                      int k = (i + offset) % inputs.size();
                      results.set(r * inputs.size() + k, model.run(inputs.get(k)));
                    }
                  }
                  return results;
                }));
      }
      start.countDown();
      List<List<Outputs>> all = new ArrayList<>();
      for (Future<List<Outputs>> f : futures) {
        all.add(f.get());
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }
}
