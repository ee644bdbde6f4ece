package io.isthmus.agent.outbox;

import io.isthmus.protocol.delivery.IdempotencyKey;

/**
 * One record read back from the outbox.
 *
 * @param key the gateway id and sequence number; send it with the payload so the consumer can drop
 *     duplicates
 * @param appendedAtMillis when it was appended, epoch milliseconds
 * @param payload the bytes given to {@link Outbox#append}
 */
public record OutboxRecord(IdempotencyKey key, long appendedAtMillis, byte[] payload) {
  public long sequence() {
    return key.sequence();
  }
}
