package io.isthmus.agent.config;

import io.isthmus.agent.outbox.FsyncPolicy;
import io.isthmus.agent.outbox.FullPolicy;
import io.isthmus.agent.outbox.OutboxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the optional {@code outbox:} section into an {@link OutboxConfig}. */
final class OutboxConfigReader {
  /** The smallest quota: two of the smallest segments. */
  static final long MIN_MAX_BYTES = 8192;

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");

  private OutboxConfigReader() {}

  static Optional<OutboxConfig> read(ConfigNode node, Path baseDir, String gatewayId) {
    if (!node.isPresent()) {
      return Optional.empty();
    }
    node.allowOnly("dir", "fsync", "fsyncInterval", "maxBytes", "whenFull");
    if (gatewayId.indexOf(':') >= 0) {
      throw new ConfigException(
          "gateway.id",
          "'"
              + gatewayId
              + "' contains ':', which the outbox's idempotency keys (gatewayId:sequence) cannot"
              + " carry; choose an id without ':'");
    }
    Path dir = baseDir.resolve(node.requiredString("dir", "a folder for the outbox segments"));
    Duration interval = node.duration("fsyncInterval", OutboxOptions.DEFAULT_FSYNC_INTERVAL);
    if (interval.toMillis() < 1 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new ConfigException(
          node.path("fsyncInterval"), interval + " is not between 1 ms and 1 min");
    }
    return Optional.of(
        new OutboxConfig(
            dir,
            node.choice(
                "fsync",
                OutboxOptions.DEFAULT_FSYNC_POLICY,
                Map.of(
                    "always", FsyncPolicy.ALWAYS,
                    "interval", FsyncPolicy.INTERVAL,
                    "never", FsyncPolicy.NEVER)),
            interval,
            size(node, "maxBytes", OutboxOptions.DEFAULT_MAX_BYTES),
            node.choice(
                "whenFull",
                OutboxOptions.DEFAULT_FULL_POLICY,
                Map.of("drop-oldest", FullPolicy.DROP_OLDEST, "reject", FullPolicy.REJECT))));
  }

  /** A byte count: a number, or a number with a unit B, KiB, MiB or GiB ("256MiB"). */
  private static long size(ConfigNode node, String key, long fallback) {
    Optional<String> text = node.string(key);
    if (text.isEmpty()) {
      return fallback;
    }
    Matcher m = SIZE.matcher(text.get().trim());
    long bytes = -1;
    if (m.matches()) {
      int shift =
          switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> 0;
          };
      try {
        long n = Long.parseLong(m.group(1));
        bytes = n > (Long.MAX_VALUE >> shift) ? -1 : n << shift;
      } catch (NumberFormatException e) {
        bytes = -1;
      }
    }
    if (bytes < MIN_MAX_BYTES) {
      throw new ConfigException(
          node.path(key),
          "'"
              + text.get()
              + "' is not a size of at least "
              + MIN_MAX_BYTES
              + " bytes; write bytes or a number with B, KiB, MiB or GiB, e.g. 256MiB");
    }
    return bytes;
  }
}
