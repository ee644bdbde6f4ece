package io.isthmus.sim.cli;

import io.isthmus.protocol.units.Durations;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration as {@link Durations} does ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h},
 * ISO-8601), and a bare number as seconds.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value, ChronoUnit.SECONDS);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
