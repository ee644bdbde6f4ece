package io.isthmus.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run the console. Immutable; build with {@link #builder(Path)}, which checks every value
 * and names the bad one.
 */
public final class ConsoleOptions {
  public static final int DEFAULT_PORT = 8090;
  public static final String DEFAULT_SCHEMA = "console";
  public static final Duration DEFAULT_OFFLINE_AFTER = Duration.ofSeconds(90);
  public static final Duration DEFAULT_TICK = Duration.ofSeconds(1);

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

  private final int port;
  private final Path dataDir;
  private final String jdbcUrl;
  private final String schema;
  private final String mqttUri;
  private final String publicUrl;
  private final String adminToken;
  private final Duration offlineAfter;
  private final Duration tickInterval;
  private final Hono hono;

  private ConsoleOptions(Builder b) {
    if (b.port < 0 || b.port > 65_535) {
      throw new IllegalArgumentException("port " + b.port + " is not valid: expected 0 to 65535");
    }
    this.port = b.port;
    this.dataDir = b.dataDir;
    this.jdbcUrl = b.jdbcUrl;
    this.schema = b.schema == null ? DEFAULT_SCHEMA : b.schema;
    this.mqttUri = b.mqttUri;
    this.publicUrl = b.publicUrl;
    this.adminToken = b.adminToken;
    this.offlineAfter = b.offlineAfter == null ? DEFAULT_OFFLINE_AFTER : b.offlineAfter;
    this.tickInterval = b.tickInterval == null ? DEFAULT_TICK : b.tickInterval;
    if (offlineAfter.isNegative() || offlineAfter.isZero()) {
      throw new IllegalArgumentException(
          "offlineAfter " + offlineAfter + " is not valid: expected > 0");
    }
    if (tickInterval.toMillis() < 10) {
      throw new IllegalArgumentException(
          "tickInterval " + tickInterval + " is not valid: expected >= 10 ms");
    }
    this.hono = b.hono;
  }

  /**
   * Options with everything else at its default: port 8090, embedded PostgreSQL and broker.
   *
   * @param dataDir keys, blobs, embedded PostgreSQL data
   */
  public static Builder builder(Path dataDir) {
    return new Builder(Objects.requireNonNull(dataDir, "dataDir"));
  }

  /** HTTP port; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** Keys, blobs, embedded PostgreSQL data. */
  public Path dataDir() {
    return dataDir;
  }

  /** An external PostgreSQL, or null for the embedded one. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The database schema the console uses. */
  public String schema() {
    return schema;
  }

  /** An external broker, or null to start an embedded one. */
  public String mqttUri() {
    return mqttUri;
  }

  /** The console's base URL as gateways reach it, or null for {@code http://127.0.0.1:PORT}. */
  public String publicUrl() {
    return publicUrl;
  }

  /** An admin token to accept (from the environment), or null. */
  public String adminToken() {
    return adminToken;
  }

  /** A gateway with no report for this long is offline. */
  public Duration offlineAfter() {
    return offlineAfter;
  }

  /** How often the rollout engine steps. */
  public Duration tickInterval() {
    return tickInterval;
  }

  /** Gateways reached through Eclipse Hono instead of MQTT, or null for MQTT. */
  public Hono hono() {
    return hono;
  }

  /**
   * Collects the options; {@link #build()} checks them and can be called again after a change (a
   * test restarting the console on the port it had).
   */
  public static final class Builder {
    private final Path dataDir;
    private int port = DEFAULT_PORT;
    private String jdbcUrl;
    private String schema;
    private String mqttUri;
    private String publicUrl;
    private String adminToken;
    private Duration offlineAfter;
    private Duration tickInterval;
    private Hono hono;

    private Builder(Path dataDir) {
      this.dataDir = dataDir;
    }

    /** HTTP port, 0 to 65535; 0 picks a free one. Default {@value ConsoleOptions#DEFAULT_PORT}. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * An external PostgreSQL ({@code jdbcUrl} null: the embedded one) and the schema to use ({@code
     * null}: {@value ConsoleOptions#DEFAULT_SCHEMA}).
     */
    public Builder database(String jdbcUrl, String schema) {
      this.jdbcUrl = jdbcUrl;
      this.schema = schema;
      return this;
    }

    /** An external broker, or null (the default) to start an embedded one. */
    public Builder mqtt(String mqttUri) {
      this.mqttUri = mqttUri;
      return this;
    }

    /** The base URL gateways reach the console at, or null for {@code http://127.0.0.1:PORT}. */
    public Builder publicUrl(String publicUrl) {
      this.publicUrl = publicUrl;
      return this;
    }

    /** An admin token to accept, or null. */
    public Builder adminToken(String adminToken) {
      this.adminToken = adminToken;
      return this;
    }

    /** A gateway with no report for this long is offline; > 0, null for 90 s. */
    public Builder offlineAfter(Duration offlineAfter) {
      this.offlineAfter = offlineAfter;
      return this;
    }

    /** How often the rollout engine steps; at least 10 ms, null for 1 s. */
    public Builder tickInterval(Duration tickInterval) {
      this.tickInterval = tickInterval;
      return this;
    }

    /** Gateways through Eclipse Hono ({@code hono} non-null) instead of MQTT. */
    public Builder hono(Hono hono) {
      this.hono = hono;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the value when the port is outside 0..65535, {@code
     *     offlineAfter} is not positive or {@code tickInterval} is under 10 ms
     */
    public ConsoleOptions build() {
      return new ConsoleOptions(this);
    }
  }
}
