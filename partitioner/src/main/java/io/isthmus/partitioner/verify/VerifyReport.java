package io.isthmus.partitioner.verify;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a verification found: the largest absolute difference between the full model and head→tail
 * for each graph output, over every input set. An output the halves do not deliver, or deliver with
 * another shape, counts as an infinite difference.
 *
 * @param maxDiffByOutput graph output name to largest absolute difference
 * @param runs how many input sets were compared
 * @param tolerance the largest difference that passes
 */
public record VerifyReport(Map<String, Double> maxDiffByOutput, int runs, double tolerance) {
  public VerifyReport {
    maxDiffByOutput = Collections.unmodifiableMap(new LinkedHashMap<>(maxDiffByOutput));
  }

  /** The largest difference over all outputs. */
  public double maxDiff() {
    return maxDiffByOutput.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  /** Whether every output is within the tolerance. */
  public boolean passed() {
    return maxDiff() <= tolerance;
  }
}
