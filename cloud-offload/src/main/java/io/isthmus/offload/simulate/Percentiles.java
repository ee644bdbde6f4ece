package io.isthmus.offload.simulate;

import java.util.Arrays;

/** Nearest-rank percentiles. */
final class Percentiles {
  private Percentiles() {}

  /** The {@code q}-quantile (0 < q <= 1) of the values, NaN when there are none; sorts a copy. */
  static double of(double[] values, int count, double q) {
    if (count == 0) {
      return Double.NaN;
    }
    double[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    return sorted[Math.max(0, (int) Math.ceil(q * count) - 1)];
  }
}
