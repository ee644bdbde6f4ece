package io.isthmus.partitioner.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A gateway's uplink to the cloud: bandwidth and round-trip time.
 *
 * @param name how plans and tables name it, e.g. {@code 20mbit/40ms}
 * @param bitsPerSecond the bandwidth, > 0
 * @param rttMs the round-trip time, >= 0
 */
public record NetworkProfile(String name, double bitsPerSecond, double rttMs) {
  /** The three networks every plan is evaluated on: slow cellular, typical broadband, fast LAN. */
  public static final List<NetworkProfile> STANDARD =
      List.of(
          parse("bw=2mbit,rtt=100ms"), parse("bw=20mbit,rtt=40ms"), parse("bw=200mbit,rtt=5ms"));

  public NetworkProfile {
    if (!(bitsPerSecond > 0) || Double.isInfinite(bitsPerSecond)) {
      throw new IllegalArgumentException(
          "Bandwidth must be a finite number > 0, got " + bitsPerSecond);
    }
    if (!(rttMs >= 0) || Double.isInfinite(rttMs)) {
      throw new IllegalArgumentException(
          "Round-trip time must be a finite number >= 0, got " + rttMs);
    }
  }

  /**
   * Parses {@code bw=20mbit,rtt=40ms}: both keys exactly once, in any order; bandwidth in kbit,
   * mbit or gbit, round-trip time in ms or s.
   *
   * @throws IllegalArgumentException naming what is wrong and the expected form
   */
  public static NetworkProfile parse(String spec) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String part : (spec == null ? "" : spec.trim()).split(",", -1)) {
      int eq = part.indexOf('=');
      String key = eq < 0 ? part.trim() : part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      if (eq < 0 || !(key.equals("bw") || key.equals("rtt"))) {
        throw invalid(spec, "'" + part.trim() + "' is not bw=... or rtt=...");
      }
      if (values.put(key, part.substring(eq + 1).trim()) != null) {
        throw invalid(spec, key + " is given twice");
      }
    }
    if (values.size() != 2) {
      throw invalid(spec, "both bw and rtt are needed");
    }
    try {
      double bits = Quantities.bitsPerSecond(values.get("bw"));
      double rtt = Quantities.millis(values.get("rtt"));
      String name = (values.get("bw") + "/" + values.get("rtt")).toLowerCase(Locale.ROOT);
      return new NetworkProfile(name, bits, rtt);
    } catch (IllegalArgumentException e) {
      throw invalid(spec, e.getMessage());
    }
  }

  /** Milliseconds to put one byte on the wire. */
  public double msPerByte() {
    return 8000.0 / bitsPerSecond;
  }

  private static IllegalArgumentException invalid(String spec, String why) {
    return new IllegalArgumentException(
        "Invalid network '" + spec + "': " + why + ". Expected e.g. bw=20mbit,rtt=40ms");
  }
}
