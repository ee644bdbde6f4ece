package io.isthmus.protocol.oip;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The protocol's {@code $parameters} object: names mapped to a {@link String}, a {@link Boolean} or
 * a {@link Number} ({@link Long} for integers, {@link Double} otherwise). Immutable, in insertion
 * order.
 *
 * @param values the parameters; the constructor copies them
 */
public record OipParameters(Map<String, Object> values) {
  /** The parameter saying that a tensor travels as binary data, and how many bytes it has. */
  public static final String BINARY_DATA_SIZE = "binary_data_size";

  /** The parameter on a requested output asking for it as binary data. */
  public static final String BINARY_DATA = "binary_data";

  /** The request parameter asking for all outputs as binary data unless an output says no. */
  public static final String BINARY_DATA_OUTPUT = "binary_data_output";

  private static final OipParameters EMPTY = new OipParameters(Map.of());

  /**
   * @throws IllegalArgumentException if a value is not a String, Boolean, Long or Double, or a
   *     Double is not finite
   */
  public OipParameters {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : Objects.requireNonNull(values, "values").entrySet()) {
      String name = Objects.requireNonNull(entry.getKey(), "parameter name");
      Object value = entry.getValue();
      if (value instanceof Integer i) {
        value = i.longValue();
      }
      boolean valid =
          value instanceof String
              || value instanceof Boolean
              || value instanceof Long
              || (value instanceof Double d && Double.isFinite(d));
      if (!valid) {
        throw new IllegalArgumentException(
            "parameter '"
                + name
                + "' must be a String, Boolean, Long or finite Double, got "
                + value);
      }
      copy.put(name, value);
    }
    values = Collections.unmodifiableMap(copy);
  }

  /** No parameters. */
  public static OipParameters empty() {
    return EMPTY;
  }

  /** One parameter. */
  public static OipParameters of(String name, Object value) {
    return new OipParameters(Map.of(name, value));
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The value of {@code name}, if present. */
  public Optional<Object> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** The value of {@code name} if it is a Boolean. */
  public Optional<Boolean> getBoolean(String name) {
    return values.get(name) instanceof Boolean b ? Optional.of(b) : Optional.empty();
  }

  /** The value of {@code name} if it is an integer (Long). */
  public Optional<Long> getLong(String name) {
    return values.get(name) instanceof Long l ? Optional.of(l) : Optional.empty();
  }

  /** These parameters with {@code name} set to {@code value} (replacing any old value). */
  public OipParameters with(String name, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(values);
    copy.put(name, value);
    return new OipParameters(copy);
  }

  /** These parameters without {@code name}. */
  public OipParameters without(String name) {
    if (!values.containsKey(name)) {
      return this;
    }
    Map<String, Object> copy = new LinkedHashMap<>(values);
    copy.remove(name);
    return new OipParameters(copy);
  }
}
