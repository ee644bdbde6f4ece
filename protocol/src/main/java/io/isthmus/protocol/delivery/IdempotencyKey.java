package io.isthmus.protocol.delivery;

import java.util.Objects;

/**
 * Identifies one outbox record across redeliveries: the gateway that wrote it and its sequence
 * number, which grows by one per record and never repeats on that gateway, across restarts too. A
 * consumer that has seen a key drops the record ({@link Deduplicator}).
 *
 * @param gatewayId the writing gateway, never blank
 * @param sequence the record's sequence number, from 1
 */
public record IdempotencyKey(String gatewayId, long sequence) {
  /**
   * @throws IllegalArgumentException if {@code gatewayId} is blank or contains ':', or {@code
   *     sequence < 1}
   */
  public IdempotencyKey {
    Objects.requireNonNull(gatewayId, "gatewayId");
    if (gatewayId.isBlank() || gatewayId.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          "gatewayId must be non-blank without ':', got '" + gatewayId + "'");
    }
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be >= 1, got " + sequence);
    }
  }

  /**
   * Parses {@link #toString()}'s form {@code gatewayId:sequence}, e.g. from an MQTT 5 user
   * property.
   *
   * @throws IllegalArgumentException naming the text if it is not of that form
   */
  public static IdempotencyKey parse(String text) {
    int colon = text.lastIndexOf(':');
    try {
      return new IdempotencyKey(
          text.substring(0, colon), Long.parseLong(text.substring(colon + 1)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Invalid idempotency key '" + text + "': expected gatewayId:sequence", e);
    }
  }

  @Override
  public String toString() {
    return gatewayId + ":" + sequence;
  }
}
