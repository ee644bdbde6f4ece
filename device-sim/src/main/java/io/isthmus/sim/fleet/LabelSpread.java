package io.isthmus.sim.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A label whose value differs across the fleet, in given proportions: {@code
 * ring=canary:1,stable:9} gives a tenth of the gateways {@code ring=canary} and the rest {@code
 * ring=stable}. Which gateway gets which value follows the simulation's seed; the counts are exact
 * (rounded).
 *
 * @param key the label
 * @param values its values
 * @param weights their relative weights, each positive, one per value
 */
public record LabelSpread(String key, List<String> values, List<Double> weights) {
  /**
   * @throws IllegalArgumentException naming the bad value
   */
  public LabelSpread {
    Objects.requireNonNull(key, "key");
    values = List.copyOf(values);
    weights = List.copyOf(weights);
    if (key.isBlank() || values.isEmpty() || values.size() != weights.size()) {
      throw new IllegalArgumentException(
          "label spread " + key + "=" + values + " needs a key and at least one value");
    }
    for (double w : weights) {
      if (!(w > 0)) {
        throw new IllegalArgumentException(
            "label spread " + key + " has weight " + w + ", expected a positive number");
      }
    }
  }

  /**
   * Parses {@code KEY=V1[:W1],V2[:W2],...} (weights default to 1).
   *
   * @throws IllegalArgumentException naming the text and what was expected
   */
  public static LabelSpread parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0 || eq == text.length() - 1) {
      throw new IllegalArgumentException(
          "label spread '" + text + "' is not KEY=VALUE[:WEIGHT],..., e.g. ring=canary:1,stable:9");
    }
    List<String> values = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (String item : text.substring(eq + 1).split(",")) {
      int colon = item.lastIndexOf(':');
      String value = colon < 0 ? item : item.substring(0, colon);
      double weight;
      try {
        weight = colon < 0 ? 1 : Double.parseDouble(item.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "label spread '" + text + "' has weight '" + item.substring(colon + 1) + "'", e);
      }
      if (value.isBlank()) {
        throw new IllegalArgumentException("label spread '" + text + "' has an empty value");
      }
      values.add(value.trim());
      weights.add(weight);
    }
    return new LabelSpread(text.substring(0, eq).trim(), values, weights);
  }

  /** How many of {@code count} gateways get each value: proportional, summing to {@code count}. */
  int[] counts(int count) {
    double total = weights.stream().mapToDouble(Double::doubleValue).sum();
    int[] counts = new int[values.size()];
    double cumulative = 0;
    int given = 0;
    for (int i = 0; i < counts.length; i++) {
      cumulative += weights.get(i);
      int upTo = (int) Math.round(count * cumulative / total);
      counts[i] = upTo - given;
      given = upTo;
    }
    return counts;
  }
}
