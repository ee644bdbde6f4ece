package io.isthmus.partitioner.plan;

import io.isthmus.protocol.units.Durations;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Strict parsing of the quantities the command line takes: bandwidths, durations and sizes. */
public final class Quantities {
  private static final Pattern NUMBER_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)([a-z]+)");
  private static final Map<String, Double> BITS_PER_SECOND =
      Map.of("kbit", 1e3, "mbit", 1e6, "gbit", 1e9);
  private static final Map<String, Double> BYTES =
      Map.of("b", 1.0, "kb", 1024.0, "mb", 1024.0 * 1024, "gb", 1024.0 * 1024 * 1024);

  private Quantities() {}

  /** {@code 20mbit} as bits per second; units kbit, mbit, gbit (powers of 1000), value > 0. */
  public static double bitsPerSecond(String text) {
    return parse(text, BITS_PER_SECOND, "a bandwidth", "20mbit");
  }

  /**
   * {@code 40ms} or {@code 0.5s} as milliseconds: a number and a unit, or ISO-8601, as {@link
   * Durations} reads them.
   */
  public static double millis(String text) {
    return Durations.parse(text).toNanos() / 1e6;
  }

  /** {@code 256mb} as bytes; units b, kb, mb, gb (powers of 1024). */
  public static long bytes(String text) {
    return Math.round(parse(text, BYTES, "a size", "256mb"));
  }

  private static double parse(String text, Map<String, Double> units, String what, String example) {
    Matcher m = NUMBER_UNIT.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches() || !units.containsKey(m.group(2))) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not "
              + what
              + ": expected a number and one of the units "
              + units.keySet().stream().sorted().toList()
              + ", e.g. "
              + example);
    }
    return Double.parseDouble(m.group(1)) * units.get(m.group(2));
  }
}
