package io.isthmus.agent.offload;

import java.util.OptionalDouble;

/**
 * Estimates the gateway's link to the cloud from what it observes: the round-trip time from small
 * probe requests (a readiness GET, which runs no model), and the bandwidth from offloads, whose
 * transfer time is their round trip less the RTT and the server's expected time. Both are
 * exponentially weighted moving averages. Thread-safe.
 *
 * <pre>
 *   predicted offload ms = RTT + bytes / bandwidth + cloud ms
 * </pre>
 */
public final class NetworkEstimator {
  /** The weight of a new sample. */
  public static final double DEFAULT_ALPHA = 0.2;

  private final Ewma rttMs;
  private final Ewma bytesPerMs;

  public NetworkEstimator(double alpha) {
    this.rttMs = new Ewma(alpha);
    this.bytesPerMs = new Ewma(alpha);
  }

  /** A probe's round trip, in ms. */
  public void recordRtt(double ms) {
    if (ms >= 0) {
      rttMs.add(ms);
    }
  }

  /**
   * An offload: {@code bytes} sent and received took {@code roundTripMs}, of which the server is
   * expected to spend {@code cloudMs}. Ignored until the RTT is known, and when RTT and server time
   * already explain the whole round trip (too little data to time a transfer).
   */
  public void recordTransfer(long bytes, double roundTripMs, double cloudMs) {
    OptionalDouble rtt = rttMs.value();
    if (rtt.isEmpty() || bytes <= 0) {
      return;
    }
    double transferMs = roundTripMs - rtt.getAsDouble() - cloudMs;
    if (transferMs > 0) {
      bytesPerMs.add(bytes / transferMs);
    }
  }

  public OptionalDouble rttMs() {
    return rttMs.value();
  }

  /** Bytes per millisecond, empty before the first timed transfer. */
  public OptionalDouble bytesPerMs() {
    return bytesPerMs.value();
  }

  /**
   * The predicted round trip of an offload of {@code bytes} with {@code cloudMs} on the server;
   * empty while the RTT is unknown. Before any timed transfer the transfer counts as free, so the
   * first offloads happen and measure it.
   */
  public OptionalDouble predictMs(long bytes, double cloudMs) {
    OptionalDouble rtt = rttMs.value();
    if (rtt.isEmpty()) {
      return OptionalDouble.empty();
    }
    OptionalDouble bandwidth = bytesPerMs.value();
    double transfer = bandwidth.isPresent() ? bytes / bandwidth.getAsDouble() : 0;
    return OptionalDouble.of(rtt.getAsDouble() + transfer + cloudMs);
  }
}
