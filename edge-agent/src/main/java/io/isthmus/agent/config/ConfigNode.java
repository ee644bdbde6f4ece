package io.isthmus.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.isthmus.protocol.units.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML mapping node with its key path, read by typed accessors that fail with a {@link
 * ConfigException} naming the path, the value and what was expected. Every reader first declares
 * the keys it knows ({@link #allowOnly}), so a typo stops start-up instead of being ignored.
 */
final class ConfigNode {

  private final JsonNode node;
  private final String path;
  private final KeyLog log;

  ConfigNode(JsonNode node, String path) {
    this(node, path, KeyLog.NONE);
  }

  /** A root node whose reads are reported to {@code log} (for the configuration reference). */
  ConfigNode(JsonNode node, String path, KeyLog log) {
    this.node = node == null ? MissingNode.getInstance() : node;
    this.path = path;
    this.log = log;
  }

  String path() {
    return path;
  }

  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean isPresent() {
    return !node.isMissingNode() && !node.isNull();
  }

  boolean has(String key) {
    return child(key).isPresent();
  }

  /** Fails on any key of this mapping not among {@code keys}. */
  ConfigNode allowOnly(String... keys) {
    for (String key : keys) {
      log.declared(path(key));
    }
    if (!isPresent()) {
      return this;
    }
    if (!node.isObject()) {
      throw new ConfigException(path, describe(node) + " is not a mapping");
    }
    List<String> known = Arrays.asList(keys);
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                throw new ConfigException(
                    path(name), "unknown key, expected one of " + known.stream().sorted().toList());
              }
            });
    return this;
  }

  ConfigNode child(String key) {
    return new ConfigNode(node.isObject() ? node.get(key) : null, path(key), log);
  }

  /** The mapping under {@code key}, which must be present. */
  ConfigNode requiredChild(String key) {
    log.read(path(key), "mapping", "required", null);
    ConfigNode child = child(key);
    if (!child.isPresent()) {
      throw new ConfigException(path(key), "missing, expected a mapping");
    }
    return child;
  }

  List<ConfigNode> list(String key) {
    log.read(path(key), "list", null, null);
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new ConfigException(path(key), describe(value) + " is not a list");
    }
    List<ConfigNode> items = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      items.add(new ConfigNode(value.get(i), path(key) + "[" + i + "]", log));
    }
    return items;
  }

  Optional<String> string(String key) {
    log.read(path(key), "string", null, null);
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual() && !value.isNumber()) {
      throw new ConfigException(path(key), describe(value) + " is not a string");
    }
    String text = value.asText();
    if (text.isBlank()) {
      throw new ConfigException(path(key), "\"\" is not a non-empty string");
    }
    return Optional.of(text);
  }

  String string(String key, String fallback) {
    log.read(path(key), "string", fallback, null);
    return string(key).orElse(fallback);
  }

  String requiredString(String key, String expected) {
    log.read(path(key), "string", "required", null);
    return string(key)
        .orElseThrow(() -> new ConfigException(path(key), "missing, expected " + expected));
  }

  Optional<Path> file(String key) {
    log.read(path(key), "path", null, null);
    return string(key).map(Path::of);
  }

  int integer(String key, int fallback, int min, int max) {
    log.read(path(key), "integer", Integer.toString(fallback), min + " to " + max);
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new ConfigException(path(key), describe(value) + " is not an integer");
    }
    int n = value.intValue();
    if (n < min || n > max) {
      throw new ConfigException(path(key), n + " is not " + range(n, min, max));
    }
    return n;
  }

  double number(String key, double fallback) {
    log.read(path(key), "number", Double.toString(fallback), null);
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isNumber()) {
      throw new ConfigException(path(key), describe(value) + " is not a number");
    }
    return value.doubleValue();
  }

  boolean bool(String key, boolean fallback) {
    log.read(path(key), "boolean", Boolean.toString(fallback), null);
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw new ConfigException(path(key), describe(value) + " is not true or false");
    }
    return value.booleanValue();
  }

  /**
   * A duration as {@link Durations} reads it ({@code 250ms}, {@code 5s}, {@code 2m}), or a number
   * of ms.
   */
  Duration duration(String key, Duration fallback) {
    log.read(path(key), "duration", KeyLog.duration(fallback), null);
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (value.isIntegralNumber() && value.longValue() >= 0) {
      return Duration.ofMillis(value.longValue());
    }
    try {
      return Durations.parse(value.isTextual() ? value.asText() : "");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          path(key), describe(value) + " is not a duration (like 250ms, 5s, 2m)");
    }
  }

  /** One of the keys of {@code choices} (compared as written), or {@code fallback} when absent. */
  <T> T choice(String key, T fallback, Map<String, T> choices) {
    log.read(
        path(key),
        "choice",
        choices.entrySet().stream()
            .filter(e -> e.getValue().equals(fallback))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse(null),
        String.join(" | ", choices.keySet().stream().sorted().toList()));
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    T chosen = value.isValueNode() ? choices.get(value.asText()) : null;
    if (chosen == null) {
      throw new ConfigException(
          path(key),
          describe(value) + " is not one of " + choices.keySet().stream().sorted().toList());
    }
    return chosen;
  }

  List<Double> numbers(String key) {
    log.read(path(key), "list of numbers", null, null);
    List<Double> out = new ArrayList<>();
    for (ConfigNode item : list(key)) {
      if (!item.node.isNumber()) {
        throw new ConfigException(item.path, describe(item.node) + " is not a number");
      }
      out.add(item.node.doubleValue());
    }
    return out;
  }

  List<Integer> positiveIntegers(String key) {
    log.read(path(key), "list of positive integers", null, null);
    List<Integer> out = new ArrayList<>();
    for (ConfigNode item : list(key)) {
      if (!item.node.isIntegralNumber() || item.node.intValue() <= 0) {
        throw new ConfigException(item.path, describe(item.node) + " is not a positive integer");
      }
      out.add(item.node.intValue());
    }
    return out;
  }

  List<String> strings(String key) {
    log.read(path(key), "list of strings", null, null);
    List<String> out = new ArrayList<>();
    for (ConfigNode item : list(key)) {
      if (!item.node.isTextual() || item.node.asText().isBlank()) {
        throw new ConfigException(item.path, describe(item.node) + " is not a non-empty string");
      }
      out.add(item.node.asText());
    }
    return out;
  }

  /** For a one-key mapping like {@code {window: {...}}}: the key. */
  String singleKey() {
    if (!node.isObject() || node.size() != 1) {
      throw new ConfigException(
          path, describe(node) + " is not a mapping with exactly one key (the stage kind)");
    }
    return node.fieldNames().next();
  }

  JsonNode raw() {
    return node;
  }

  static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    if (value.isTextual()) {
      return "\"" + value.asText() + "\"";
    }
    if (value.isObject()) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    return value.toString();
  }

  private static String range(int n, int min, int max) {
    if (n > max) {
      return "an integer in [" + min + ", " + max + "]";
    }
    return switch (min) {
      case 1 -> "a positive integer";
      case 0 -> "a non-negative integer";
      default -> "an integer in [" + min + ", " + max + "]";
    };
  }
}
