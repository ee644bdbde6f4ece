package io.isthmus.agent.offload;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C Trace Context for one offload: a random 16-byte trace id and 8-byte span id, sent as the
 * {@code traceparent} header ({@code 00-<trace id>-<span id>-01}, sampled).
 */
public record TraceContext(String traceId, String spanId) {
  public static final String HEADER = "traceparent";

  /** A new trace with a new span; ids are never all zeros, as the specification asks. */
  public static TraceContext random() {
    return new TraceContext(randomHex(16), randomHex(8));
  }

  /** The {@code traceparent} header value. */
  public String traceparent() {
    return "00-" + traceId + "-" + spanId + "-01";
  }

  private static String randomHex(int bytes) {
    byte[] id = new byte[bytes];
    do {
      ThreadLocalRandom.current().nextBytes(id);
    } while (allZero(id));
    return HexFormat.of().formatHex(id);
  }

  private static boolean allZero(byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
