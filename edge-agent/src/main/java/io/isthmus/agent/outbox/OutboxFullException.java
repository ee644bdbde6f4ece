package io.isthmus.agent.outbox;

import java.io.IOException;

/**
 * Thrown by {@link Outbox#append} under {@link FullPolicy#REJECT} when the record does not fit in
 * the disk quota; nothing was written. Space comes back as the cloud acknowledges records.
 */
public final class OutboxFullException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long usedBytes;
  private final long maxBytes;

  OutboxFullException(long usedBytes, long recordBytes, long maxBytes) {
    super(
        "Outbox full: "
            + usedBytes
            + " of "
            + maxBytes
            + " bytes used, a "
            + recordBytes
            + "-byte record does not fit; the record was rejected (raise outbox.maxBytes, or"
            + " choose drop-oldest to keep the newest data)");
    this.usedBytes = usedBytes;
    this.maxBytes = maxBytes;
  }

  public long usedBytes() {
    return usedBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }
}
