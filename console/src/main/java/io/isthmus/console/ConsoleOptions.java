package io.isthmus.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run the console. Immutable; {@link #builder()} validates each value and names it.
 *
 * @param port HTTP port; 0 picks a free one
 * @param dataDir keys, blobs, embedded PostgreSQL data
 * @param jdbcUrl an external PostgreSQL, or null for the embedded one
 * @param schema the database schema the console uses
 * @param mqttUri an external broker, or null to start an embedded one
 * @param publicUrl the console's base URL as gateways reach it, or null for {@code
 *     http://127.0.0.1:PORT}
 * @param adminToken an admin token to accept (from the environment), or null
 * @param offlineAfter a gateway with no report for this long is offline
 * @param tickInterval how often the rollout engine steps
 * @param hono gateways reached through Eclipse Hono instead of MQTT, or null for MQTT
 */
public record ConsoleOptions(
    int port,
    Path dataDir,
    String jdbcUrl,
    String schema,
    String mqttUri,
    String publicUrl,
    String adminToken,
    Duration offlineAfter,
    Duration tickInterval,
    Hono hono) {

  /**
   * The Eclipse Hono transport's settings.
   *
   * @param tenant the Hono tenant the gateways are devices of
   * @param kafka the bootstrap servers ({@code host:port[,...]}) of Hono's Kafka
   */
  public record Hono(String tenant, String kafka) {
    public Hono {
      if (tenant == null || tenant.isBlank()) {
        throw new IllegalArgumentException("the Hono transport needs a tenant");
      }
      if (kafka == null || kafka.isBlank()) {
        throw new IllegalArgumentException("the Hono transport needs Kafka's host:port");
      }
    }
  }

  public static final int DEFAULT_PORT = 8090;
  public static final Duration DEFAULT_OFFLINE_AFTER = Duration.ofSeconds(90);
  public static final Duration DEFAULT_TICK = Duration.ofSeconds(1);

  public ConsoleOptions {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is not valid: expected 0 to 65535");
    }
    Objects.requireNonNull(dataDir, "dataDir");
    schema = schema == null ? "console" : schema;
    offlineAfter = offlineAfter == null ? DEFAULT_OFFLINE_AFTER : offlineAfter;
    tickInterval = tickInterval == null ? DEFAULT_TICK : tickInterval;
    if (offlineAfter.isNegative() || offlineAfter.isZero()) {
      throw new IllegalArgumentException(
          "offlineAfter " + offlineAfter + " is not valid: expected > 0");
    }
    if (tickInterval.toMillis() < 10) {
      throw new IllegalArgumentException(
          "tickInterval " + tickInterval + " is not valid: expected >= 10 ms");
    }
  }

  /** Defaults: port 8090, embedded PostgreSQL and broker, data in {@code dataDir}. */
  public static ConsoleOptions defaults(Path dataDir) {
    return new ConsoleOptions(
        DEFAULT_PORT, dataDir, null, null, null, null, null, null, null, null);
  }

  public ConsoleOptions withPort(int port) {
    return new ConsoleOptions(
        port,
        dataDir,
        jdbcUrl,
        schema,
        mqttUri,
        publicUrl,
        adminToken,
        offlineAfter,
        tickInterval,
        hono);
  }

  public ConsoleOptions withDatabase(String jdbcUrl, String schema) {
    return new ConsoleOptions(
        port,
        dataDir,
        jdbcUrl,
        schema,
        mqttUri,
        publicUrl,
        adminToken,
        offlineAfter,
        tickInterval,
        hono);
  }

  public ConsoleOptions withMqtt(String mqttUri) {
    return new ConsoleOptions(
        port,
        dataDir,
        jdbcUrl,
        schema,
        mqttUri,
        publicUrl,
        adminToken,
        offlineAfter,
        tickInterval,
        hono);
  }

  public ConsoleOptions withPublicUrl(String publicUrl) {
    return new ConsoleOptions(
        port,
        dataDir,
        jdbcUrl,
        schema,
        mqttUri,
        publicUrl,
        adminToken,
        offlineAfter,
        tickInterval,
        hono);
  }

  public ConsoleOptions withAdminToken(String adminToken) {
    return new ConsoleOptions(
        port,
        dataDir,
        jdbcUrl,
        schema,
        mqttUri,
        publicUrl,
        adminToken,
        offlineAfter,
        tickInterval,
        hono);
  }

  public ConsoleOptions withTiming(Duration offlineAfter, Duration tickInterval) {
    return new ConsoleOptions(
        port,
        dataDir,
        jdbcUrl,
        schema,
        mqttUri,
        publicUrl,
        adminToken,
        offlineAfter,
        tickInterval,
        hono);
  }

  /** Gateways through Eclipse Hono ({@code hono} non-null) instead of MQTT. */
  public ConsoleOptions withHono(Hono hono) {
    return new ConsoleOptions(
        port,
        dataDir,
        jdbcUrl,
        schema,
        mqttUri,
        publicUrl,
        adminToken,
        offlineAfter,
        tickInterval,
        hono);
  }
}
