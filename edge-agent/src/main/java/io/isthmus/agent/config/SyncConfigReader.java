package io.isthmus.agent.config;

import io.isthmus.agent.config.SyncConfig.DownloadSettings;
import io.isthmus.agent.config.SyncConfig.RollbackSettings;
import io.isthmus.agent.config.SyncConfig.Transport;
import io.isthmus.protocol.manifest.Platforms;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Reads the optional {@code sync:} section into a {@link SyncConfig}. */
final class SyncConfigReader {
  private SyncConfigReader() {}

  private static Duration heartbeat(ConfigNode node) {
    Duration heartbeat = node.duration("heartbeat", Duration.ofSeconds(30));
    if (heartbeat.compareTo(Duration.ofMillis(100)) < 0) {
      throw new ConfigException(
          node.path("heartbeat"),
          heartbeat.toMillis() + " ms is too short, expected at least 100ms");
    }
    return heartbeat;
  }

  private static Transport transport(ConfigNode node) {
    String transport = node.string("transport", "mqtt");
    return switch (transport) {
      case "mqtt" -> Transport.MQTT;
      case "hono" -> Transport.HONO;
      default ->
          throw new ConfigException(
              node.path("transport"),
              "'" + transport + "' is not a transport: expected mqtt or hono");
    };
  }

  static Optional<SyncConfig> read(ConfigNode node, Path baseDir) {
    if (!node.isPresent()) {
      return Optional.empty();
    }
    node.allowOnly(
        "dir",
        "trustedKeys",
        "desiredFile",
        "platform",
        "keep",
        "watchInterval",
        "heartbeat",
        "download",
        "rollback",
        "transport");
    Path dir = baseDir.resolve(node.requiredString("dir", "a folder for the model store"));
    Path keys =
        baseDir.resolve(
            node.requiredString("trustedKeys", "a public.pem or a folder of *.pem public keys"));
    ConfigNode download =
        node.child("download")
            .allowOnly("attempts", "backoffInitial", "backoffMax", "bytesPerSecond", "timeout");
    int bandwidth = download.integer("bytesPerSecond", 0, 0, Integer.MAX_VALUE);
    ConfigNode rollback =
        node.child("rollback").allowOnly("window", "minRuns", "maxErrorRate", "maxP99");
    double maxErrorRate = rollback.number("maxErrorRate", 0.1);
    if (maxErrorRate < 0 || maxErrorRate > 1) {
      throw new ConfigException(
          rollback.path("maxErrorRate"), maxErrorRate + " is not a share between 0 and 1");
    }
    return Optional.of(
        new SyncConfig(
            dir,
            keys,
            node.file("desiredFile").map(baseDir::resolve),
            node.string("platform", Platforms.current()),
            node.integer("keep", 3, 2, 100),
            node.duration("watchInterval", Duration.ofSeconds(2)),
            heartbeat(node),
            new DownloadSettings(
                download.integer("attempts", 6, 1, 1000),
                download.duration("backoffInitial", Duration.ofMillis(500)),
                download.duration("backoffMax", Duration.ofSeconds(30)),
                bandwidth,
                download.duration("timeout", Duration.ofSeconds(30))),
            new RollbackSettings(
                rollback.duration("window", Duration.ofSeconds(60)),
                rollback.integer("minRuns", 20, 1, Integer.MAX_VALUE),
                maxErrorRate,
                rollback.duration("maxP99", Duration.ZERO)),
            transport(node)));
  }
}
