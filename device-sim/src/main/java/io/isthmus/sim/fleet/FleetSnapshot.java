package io.isthmus.sim.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;

/**
 * The fleet at one moment: connections, versions served, events and failures so far, and (once all
 * connected) how long connecting took. {@link #toJson()} is what {@code sim gateways --json}
 * prints.
 *
 * @param gateways simulated gateways
 * @param connected connected now
 * @param everConnected connected at least once
 * @param connectSeconds from the first connection attempt to the last gateway connected; -1 until
 *     all have connected
 * @param connectFailures failed connection attempts
 * @param reconnects connections made again after a loss
 * @param silent gateways that fell silent (their last will fired or will fire)
 * @param activeVersions how many gateways serve each model version
 * @param events gateway events published, by kind ({@code ACTIVATED}, ...)
 * @param failures refusals and rollbacks by reason code ({@code hash_mismatch}, ...)
 * @param desiredReceived desired-state messages received
 * @param desiredIgnoredByStuck of those, ignored by stuck gateways
 * @param reports reported states published
 * @param publishFailures publishes the broker did not acknowledge
 * @param httpRequests package HTTP requests (tries included)
 * @param httpBytes package bytes downloaded
 * @param adoptMs from receiving a desired state to activating it, per activation: count, p50, p95,
 *     max (milliseconds)
 */
public record FleetSnapshot(
    int gateways,
    int connected,
    int everConnected,
    double connectSeconds,
    long connectFailures,
    long reconnects,
    long silent,
    Map<String, Long> activeVersions,
    Map<String, Long> events,
    Map<String, Long> failures,
    long desiredReceived,
    long desiredIgnoredByStuck,
    long reports,
    long publishFailures,
    long httpRequests,
    long httpBytes,
    Map<String, Long> adoptMs) {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /** Nearest-rank percentiles of {@code millis}: count, p50, p95, max. */
  static Map<String, Long> percentiles(List<Long> millis) {
    if (millis.isEmpty()) {
      return Map.of("count", 0L);
    }
    List<Long> sorted = millis.stream().sorted().toList();
    return Map.of(
        "count", (long) sorted.size(),
        "p50", rank(sorted, 0.50),
        "p95", rank(sorted, 0.95),
        "max", sorted.get(sorted.size() - 1));
  }

  private static long rank(List<Long> sorted, double q) {
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, i));
  }

  /** One line of JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("the snapshot does not serialize", e);
    }
  }

  /** One progress line: {@code connected 998/1000, versions {1.0.0=2, 2.0.0=996}, ...}. */
  public String line() {
    return "connected "
        + connected
        + "/"
        + gateways
        + (connectSeconds >= 0 ? String.format(" (all in %.2f s)", connectSeconds) : "")
        + ", versions "
        + activeVersions
        + ", activated "
        + events.getOrDefault("ACTIVATED", 0L)
        + ", failed "
        + failures
        + ", reports "
        + reports;
  }
}
