package io.isthmus.offload.simulate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Request arrival times in seconds from the start of the trace, ascending, and the trace's length
 * (arrivals end before it; the policy keeps running until it).
 */
public final class ArrivalTrace {
  private final double[] arrivals;
  private final double durationSeconds;

  private ArrivalTrace(double[] arrivals, double durationSeconds) {
    this.arrivals = arrivals;
    this.durationSeconds = durationSeconds;
  }

  /**
   * A trace of the given arrival times.
   *
   * @throws IllegalArgumentException when a time is negative, not finite, out of order, or not
   *     before the duration
   */
  public static ArrivalTrace of(double durationSeconds, double... arrivals) {
    if (!(durationSeconds > 0) || Double.isInfinite(durationSeconds)) {
      throw new IllegalArgumentException(
          "durationSeconds must be positive and finite, got " + durationSeconds);
    }
    double previous = 0;
    for (int i = 0; i < arrivals.length; i++) {
      double t = arrivals[i];
      if (!(t >= previous) || !(t < durationSeconds)) {
        throw new IllegalArgumentException(
            "arrival "
                + i
                + " at "
                + t
                + " s must be >= the previous one ("
                + previous
                + " s) and < the duration ("
                + durationSeconds
                + " s)");
      }
      previous = t;
    }
    return new ArrivalTrace(arrivals.clone(), durationSeconds);
  }

  /**
   * Reads a CSV trace: one arrival a line, its first column in seconds from the start (fractions
   * allowed); blank lines, lines starting with {@code #} and a non-numeric header line are skipped.
   * Times are sorted.
   *
   * @param durationSeconds the trace's length, or 0 to end it one second after the last arrival
   * @throws IllegalArgumentException naming the line of a bad value
   * @throws UncheckedIOException when the file cannot be read
   */
  public static ArrivalTrace fromCsv(Path file, double durationSeconds) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + file, e);
    }
    double[] times = new double[lines.size()];
    int n = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String first = line.split(",", 2)[0].strip();
      try {
        double t = Double.parseDouble(first);
        if (!(t >= 0) || Double.isInfinite(t)) {
          throw new NumberFormatException();
        }
        times[n++] = t;
      } catch (NumberFormatException e) {
        if (n == 0 && i == firstContentLine(lines)) {
          continue; // a header
        }
        throw new IllegalArgumentException(
            file
                + " line "
                + (i + 1)
                + ": '"
                + first
                + "' is not an arrival time, expected seconds since the start of the trace (e.g. 12.5)",
            e);
      }
    }
    double[] sorted = Arrays.copyOf(times, n);
    Arrays.sort(sorted);
    double last = n == 0 ? 0 : sorted[n - 1];
    double duration = durationSeconds > 0 ? durationSeconds : Math.floor(last) + 1;
    if (last >= duration) {
      throw new IllegalArgumentException(
          file
              + ": the last arrival ("
              + last
              + " s) is not before the duration ("
              + duration
              + " s)");
    }
    return new ArrivalTrace(sorted, duration);
  }

  private static int firstContentLine(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        return i;
      }
    }
    return -1;
  }

  /** Number of arrivals. */
  public int size() {
    return arrivals.length;
  }

  /** The {@code i}-th arrival time in seconds. */
  public double arrival(int i) {
    return arrivals[i];
  }

  /** Length of the trace in seconds. */
  public double durationSeconds() {
    return durationSeconds;
  }
}
