package io.isthmus.agent.config;

import java.time.Duration;

/**
 * Hears which keys the configuration readers declare and read, with the type, default and allowed
 * values each accessor knows. The agent runs with {@link #NONE}; the generator of the configuration
 * reference (docs/configuration.md) listens, so that the reference is taken from the readers
 * themselves and cannot drift from them.
 */
interface KeyLog {
  KeyLog NONE =
      new KeyLog() {
        @Override
        public void declared(String path) {}

        @Override
        public void read(String path, String type, String fallback, String allowed) {}
      };

  /** {@code path} is a key its mapping accepts ({@link ConfigNode#allowOnly}). */
  void declared(String path);

  /**
   * {@code path} was read as {@code type}; {@code fallback} is its default when absent (or null),
   * {@code allowed} the values or range it accepts (or null).
   */
  void read(String path, String type, String fallback, String allowed);

  /** {@code 500ms}, {@code 30s}, {@code 1h}: as one writes it in the file. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms == 0 || d.toNanos() % 1_000_000 != 0) {
      return d.toNanos() % 1_000_000 != 0 ? d.toNanos() / 1000 + "us" : "0ms";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
