package io.isthmus.protocol.units;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way Isthmus reads a duration a person wrote (command-line options, configuration values):
 * a non-negative number, whole or decimal, and one of the units {@code us}, {@code ms}, {@code s},
 * {@code m}, {@code h} ({@code 250us}, {@code 500ms}, {@code 1.5s}, {@code 2m}, {@code 1h}; units
 * in any case), or ISO-8601 ({@code PT30S}). A number without a unit is accepted only where the
 * caller says what it counts ({@link #parse(String, ChronoUnit)}).
 */
public final class Durations {
  private static final Pattern NUMBER_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");
  private static final Map<String, Long> NANOS =
      Map.of(
          "us", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);
  private static final String UNITS = "us, ms, s, m, h";

  private Durations() {}

  /**
   * Parses {@code text} with a unit or as ISO-8601; a bare number is rejected.
   *
   * @throws IllegalArgumentException naming {@code text} and what was expected when it is not a
   *     non-negative duration in that form
   */
  public static Duration parse(String text) {
    return parse(text, null);
  }

  /**
   * Parses {@code text} as {@link #parse(String)} does, and a bare number as that many {@code
   * bareNumberUnit}s ({@code 30} with {@link ChronoUnit#SECONDS} is 30 s).
   *
   * @throws IllegalArgumentException naming {@code text} and what was expected when it is not a
   *     non-negative duration in one of those forms
   */
  public static Duration parse(String text, ChronoUnit bareNumberUnit) {
    String trimmed = text == null ? "" : text.trim();
    Matcher m = NUMBER_UNIT.matcher(trimmed.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      Long unitNanos =
          m.group(2).isEmpty()
              ? bareNumberUnit == null ? null : bareNumberUnit.getDuration().toNanos()
              : NANOS.get(m.group(2));
      if (unitNanos != null) {
        try {
          return Duration.ofNanos(
              new BigDecimal(m.group(1))
                  .multiply(BigDecimal.valueOf(unitNanos))
                  .setScale(0, RoundingMode.HALF_UP)
                  .longValueExact());
        } catch (ArithmeticException e) {
          throw invalid(text, bareNumberUnit, " (too long)");
        }
      }
    } else if (trimmed.length() > 1 && (trimmed.charAt(0) == 'P' || trimmed.charAt(0) == 'p')) {
      try {
        Duration iso = Duration.parse(trimmed);
        if (!iso.isNegative()) {
          return iso;
        }
      } catch (DateTimeParseException e) {
        // falls through to the error naming every accepted form
      }
    }
    throw invalid(text, bareNumberUnit, "");
  }

  private static IllegalArgumentException invalid(
      String text, ChronoUnit bareNumberUnit, String why) {
    return new IllegalArgumentException(
        "'"
            + text
            + "' is not a duration"
            + why
            + ": expected a non-negative number and one of the units "
            + UNITS
            + (bareNumberUnit == null
                ? ""
                : " (a number alone counts "
                    + bareNumberUnit.toString().toLowerCase(Locale.ROOT)
                    + ")")
            + ", e.g. 500ms, 30s, 2m, 1h, or ISO-8601 such as PT30S");
  }
}
