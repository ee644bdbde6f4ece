package io.isthmus.agent.ingest;

/**
 * MQTT topic-filter rules: {@code +} matches exactly one level, {@code #} (last level only) the
 * rest of the topic including its parent level, and filters starting with a wildcard do not match
 * topics starting with {@code $}.
 */
final class TopicFilters {

  private TopicFilters() {}

  /** Whether {@code topic} (no wildcards) matches {@code filter}. */
  static boolean matches(String filter, String topic) {
    if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
      return false;
    }
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true; // also "a/#" against "a": '#' takes in the parent level
      }
      if (i >= t.length || !f[i].equals("+") && !f[i].equals(t[i])) {
        return false;
      }
    }
    return f.length == t.length;
  }

  /**
   * Checks {@code filter} is a valid subscription filter.
   *
   * @throws IllegalArgumentException naming the filter and the rule it breaks
   */
  static String checkFilter(String filter) {
    if (filter == null || filter.isEmpty()) {
      throw new IllegalArgumentException("topic filter must not be null or empty");
    }
    String[] levels = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
        throw new IllegalArgumentException(
            "topic filter '" + filter + "' is not valid: '#' must be a whole level and the last");
      }
      if (level.contains("+") && !level.equals("+")) {
        throw new IllegalArgumentException(
            "topic filter '" + filter + "' is not valid: '+' must be a whole level");
      }
    }
    return filter;
  }

  /**
   * Checks {@code topic} is a valid topic to publish to.
   *
   * @throws IllegalArgumentException when it is empty or holds a wildcard
   */
  static String checkTopic(String topic) {
    if (topic == null || topic.isEmpty() || topic.contains("+") || topic.contains("#")) {
      throw new IllegalArgumentException(
          "topic '" + topic + "' is not valid: expected a non-empty topic without + or #");
    }
    return topic;
  }
}
