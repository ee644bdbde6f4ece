package io.isthmus.console.rollout;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an operator asks for when starting a rollout: which model version goes to which pipeline on
 * which gateways, in which waves, and when to stop. Immutable; the constructor fills defaults for
 * absent values and validates every field, naming it in the message.
 *
 * @param name a label for people
 * @param pipeline the pipeline on the gateways whose model is replaced
 * @param modelName the model in the registry
 * @param modelVersion the version to roll out
 * @param selector labels a gateway must carry (all of them) to be targeted; empty targets every
 *     gateway; evaluated again on every step, so gateways that join later are included
 * @param waves cumulative percentages of the targeted gateways, ascending, ending at 100; every
 *     wave reaches at least one more gateway while any is left
 * @param successThreshold share (0..1] of a wave's gateways that must succeed before the next wave
 * @param errorThreshold failures that halt the rollout
 * @param rollbackOnHalt whether a halt sends the gateways reached back to their previous version
 * @param gatewayTimeoutSeconds how long a gateway may take to confirm the new version before it
 *     counts as failed (stuck or offline)
 * @param healthGate how the new version's run figures must compare with the old one's
 * @param priority where rollouts overlap, a gateway follows the highest priority one
 */
public record RolloutSpec(
    String name,
    String pipeline,
    String modelName,
    String modelVersion,
    Map<String, String> selector,
    List<Integer> waves,
    Double successThreshold,
    ErrorThreshold errorThreshold,
    Boolean rollbackOnHalt,
    Long gatewayTimeoutSeconds,
    HealthGate healthGate,
    Integer priority) {

  /** Cumulative wave percentages used when none are given. */
  public static final List<Integer> DEFAULT_WAVES = List.of(1, 10, 50, 100);

  public static final double DEFAULT_SUCCESS_THRESHOLD = 1.0;
  public static final long DEFAULT_GATEWAY_TIMEOUT_SECONDS = 300;

  /**
   * @throws IllegalArgumentException naming the field when a value is missing or out of range
   */
  public RolloutSpec {
    pipeline = requireText(pipeline, "pipeline");
    modelName = requireText(modelName, "modelName");
    modelVersion = requireText(modelVersion, "modelVersion");
    name = name == null || name.isBlank() ? modelName + " " + modelVersion : name;
    selector = selector == null ? Map.of() : Map.copyOf(selector);
    waves = waves == null || waves.isEmpty() ? DEFAULT_WAVES : List.copyOf(waves);
    int previous = 0;
    for (Integer wave : waves) {
      if (wave == null || wave <= previous || wave > 100) {
        throw new IllegalArgumentException(
            "waves " + waves + " are not valid: expected ascending percentages in 1..100");
      }
      previous = wave;
    }
    if (previous != 100) {
      throw new IllegalArgumentException(
          "waves " + waves + " are not valid: the last wave must be 100 (every gateway)");
    }
    successThreshold = successThreshold == null ? DEFAULT_SUCCESS_THRESHOLD : successThreshold;
    if (!(successThreshold > 0 && successThreshold <= 1)) {
      throw new IllegalArgumentException(
          "successThreshold " + successThreshold + " is not valid: expected a share in (0, 1]");
    }
    errorThreshold = errorThreshold == null ? ErrorThreshold.DEFAULT : errorThreshold;
    rollbackOnHalt = rollbackOnHalt == null ? Boolean.TRUE : rollbackOnHalt;
    gatewayTimeoutSeconds =
        gatewayTimeoutSeconds == null ? DEFAULT_GATEWAY_TIMEOUT_SECONDS : gatewayTimeoutSeconds;
    if (gatewayTimeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "gatewayTimeoutSeconds " + gatewayTimeoutSeconds + " is not valid: expected >= 1");
    }
    healthGate = healthGate == null ? HealthGate.DEFAULT : healthGate;
    priority = priority == null ? 0 : priority;
  }

  /** A spec with every optional field at its default. */
  public static RolloutSpec of(String pipeline, String modelName, String modelVersion) {
    return new RolloutSpec(
        null, pipeline, modelName, modelVersion, null, null, null, null, null, null, null, null);
  }

  /** Whether a gateway with {@code labels} is targeted. */
  public boolean selects(Map<String, String> labels) {
    for (Map.Entry<String, String> wanted : selector.entrySet()) {
      if (!Objects.equals(labels.get(wanted.getKey()), wanted.getValue())) {
        return false;
      }
    }
    return true;
  }

  /**
   * How many gateways the waves up to and including {@code wave} reach out of {@code total}: the
   * wave's percentage rounded up, and at least one more than the wave before while any is left.
   */
  public int cumulativeCount(int wave, int total) {
    int count = 0;
    for (int i = 0; i <= wave && i < waves.size(); i++) {
      int byShare = (int) Math.ceil(total * waves.get(i) / 100.0);
      count = Math.min(total, Math.max(byShare, count + 1));
    }
    return count;
  }

  private static String requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }
}
