package io.isthmus.protocol.mqtt;

/** Validation of single MQTT topic levels and of topic prefixes. */
final class TopicLevels {
  static final String PROTOBUF_SUFFIX = ".pb";

  private TopicLevels() {}

  static boolean isValid(String level) {
    if (level == null || level.isEmpty()) {
      return false;
    }
    for (int i = 0; i < level.length(); i++) {
      char c = level.charAt(i);
      if (c == '/' || c == '+' || c == '#' || c == '\u0000') {
        return false;
      }
    }
    return true;
  }

  static String requireValid(String argument, String level) {
    if (!isValid(level)) {
      throw new IllegalArgumentException(
          argument
              + " must be one non-empty MQTT topic level without '/', '+', '#' or NUL, got "
              + (level == null ? "null" : "'" + level + "'"));
    }
    return level;
  }

  static String requireValidStream(String stream) {
    requireValid("stream", stream);
    if (stream.endsWith(PROTOBUF_SUFFIX)) {
      throw new IllegalArgumentException(
          "stream must not end with '"
              + PROTOBUF_SUFFIX
              + "' (that suffix marks a protobuf"
              + " payload), got '"
              + stream
              + "'");
    }
    return stream;
  }

  /** A prefix is one or more valid levels joined by '/', with no leading or trailing '/'. */
  static String requireValidPrefix(String argument, String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      throw new IllegalArgumentException(
          argument + " must be a non-empty topic prefix, got " + (prefix == null ? "null" : "''"));
    }
    for (String level : prefix.split("/", -1)) {
      if (!isValid(level)) {
        throw new IllegalArgumentException(
            argument
                + " must be topic levels joined by '/' without wildcards, empty levels or a"
                + " leading/trailing '/', got '"
                + prefix
                + "'");
      }
    }
    return prefix;
  }
}
