package io.isthmus.sim.fleet;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which gateways misbehave with which model versions, and how.
 *
 * @param versionGlob the versions concerned, {@code *} matching any run of characters (e.g. {@code
 *     2.*})
 * @param mode what goes wrong
 * @param fraction the share of the selected gateways that are faulty, 0 to 1 (rounded to a count)
 * @param selector labels a gateway must carry to be selected (empty: all gateways)
 * @param errorRate the share of failed runs a faulty gateway reports in {@link FaultMode#ERRORS}
 * @param latencyFactor how many times its healthy p50 and p95 a faulty gateway reports in {@link
 *     FaultMode#LATENCY}
 */
public record FaultPlan(
    String versionGlob,
    FaultMode mode,
    double fraction,
    Map<String, String> selector,
    double errorRate,
    double latencyFactor) {
  /** Faulty with the default figures: 30% failed runs, 8 times the latency. */
  public static final double DEFAULT_ERROR_RATE = 0.3;

  public static final double DEFAULT_LATENCY_FACTOR = 8;

  /**
   * @throws IllegalArgumentException naming the bad value
   */
  public FaultPlan {
    Objects.requireNonNull(versionGlob, "versionGlob");
    Objects.requireNonNull(mode, "mode");
    selector = Map.copyOf(selector);
    if (versionGlob.isBlank()) {
      throw new IllegalArgumentException("fail version is blank, expected e.g. 2.0.0 or 2.*");
    }
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fail fraction is " + fraction + ", expected 0 to 1");
    }
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("fail error rate is " + errorRate + ", expected 0 to 1");
    }
    if (!(latencyFactor >= 1)) {
      throw new IllegalArgumentException(
          "fail latency factor is " + latencyFactor + ", expected at least 1");
    }
  }

  /** Whether {@code version} is one this plan concerns. */
  public boolean matches(String version) {
    String pattern =
        Arrays.stream(versionGlob.split("\\*", -1))
            .map(Pattern::quote)
            .collect(Collectors.joining(".*"));
    return Pattern.matches(pattern, version);
  }

  /** Whether a gateway with {@code labels} is among those the fraction is drawn from. */
  public boolean selects(Map<String, String> labels) {
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
