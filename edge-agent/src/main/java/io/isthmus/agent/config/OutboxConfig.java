package io.isthmus.agent.config;

import io.isthmus.agent.outbox.FsyncPolicy;
import io.isthmus.agent.outbox.FullPolicy;
import io.isthmus.agent.outbox.OutboxOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The optional {@code outbox:} section: when present, every result bound for MQTT is first stored
 * in a durable outbox in {@code dir} and delivered from there, at least once and in order.
 *
 * @param dir the outbox folder (created if needed), relative paths against the config file
 * @param fsync when appended results are forced to the disk
 * @param fsyncInterval the sync period under {@link FsyncPolicy#INTERVAL}
 * @param maxBytes the disk quota of the segment files
 * @param whenFull what an append does when the quota is reached
 */
public record OutboxConfig(
    Path dir, FsyncPolicy fsync, Duration fsyncInterval, long maxBytes, FullPolicy whenFull) {

  /**
   * The outbox settings for gateway {@code gatewayId}: segments are an eighth of the quota, between
   * 4 KiB and {@link OutboxOptions#DEFAULT_SEGMENT_BYTES}, so dropping the oldest one frees little.
   */
  public OutboxOptions options(String gatewayId) {
    long segment = Math.max(4096, Math.min(OutboxOptions.DEFAULT_SEGMENT_BYTES, maxBytes / 8));
    return OutboxOptions.builder(dir, gatewayId)
        .segmentBytes(segment)
        .maxBytes(maxBytes)
        .fsyncPolicy(fsync)
        .fsyncInterval(fsyncInterval)
        .fullPolicy(whenFull)
        .build();
  }
}
