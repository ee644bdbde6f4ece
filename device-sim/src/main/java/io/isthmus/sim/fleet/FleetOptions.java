package io.isthmus.sim.fleet;

import io.isthmus.protocol.manifest.Platforms;
import io.isthmus.protocol.manifest.TrustedKeys;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable settings of a {@link FleetSimulation}; build with {@link #builder()}, which checks
 * every value and names the bad one.
 */
public final class FleetOptions {
  public static final String DEFAULT_BROKER = "tcp://127.0.0.1:1883";
  public static final String DEFAULT_ID_PREFIX = "simgw-";
  public static final String DEFAULT_PIPELINE = "vibration";
  public static final String DEFAULT_MODEL = "vibration-anomaly";
  public static final String DEFAULT_VERSION = "1.0.0";
  public static final String DEFAULT_AGENT_VERSION = "isthmus-sim-0.1.0";
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);

  /** How gateways fetch package files. */
  public enum FetchMode {
    /** Every gateway downloads and hashes every file over HTTP, as a real fleet would. */
    EVERY,
    /**
     * Every gateway downloads and checks the manifest; a file whose sha256 some gateway of this JVM
     * already verified, or is downloading, is not fetched again (a shared cache by sha256).
     */
    ONCE
  }

  private final String host;
  private final int port;
  private final int count;
  private final String idPrefix;
  private final Map<String, String> labels;
  private final List<LabelSpread> spreads;
  private final String platform;
  private final String agentVersion;
  private final String pipeline;
  private final String model;
  private final String initialVersion;
  private final Duration heartbeat;
  private final Duration keepAlive;
  private final TrustedKeys trusted;
  private final HealthFigures health;
  private final Optional<FaultPlan> fault;
  private final double stuckFraction;
  private final double offlineFraction;
  private final Duration offlineAfter;
  private final FetchMode fetch;
  private final int downloadConcurrency;
  private final int downloadAttempts;
  private final Duration downloadTimeout;
  private final Optional<Duration> rollbackAfter;
  private final int eventLoops;
  private final double connectRate;
  private final long seed;
  private final Optional<PrintStream> progress;
  private final Duration progressInterval;

  private FleetOptions(Builder b) {
    URI uri = URI.create(b.brokerUri);
    if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "broker is " + b.brokerUri + ", expected tcp://HOST[:PORT]");
    }
    this.host = uri.getHost();
    this.port = uri.getPort() < 0 ? 1883 : uri.getPort();
    this.count = positive("count", b.count);
    this.idPrefix = Objects.requireNonNull(b.idPrefix, "idPrefix");
    if (idPrefix.contains("/") || idPrefix.contains("+") || idPrefix.contains("#")) {
      throw new IllegalArgumentException(
          "id prefix is '" + idPrefix + "', expected no '/', '+' or '#'");
    }
    this.labels = Map.copyOf(b.labels);
    this.spreads = List.copyOf(b.spreads);
    this.platform = text("platform", b.platform);
    this.agentVersion = text("agentVersion", b.agentVersion);
    this.pipeline = text("pipeline", b.pipeline);
    this.model = text("model", b.model);
    this.initialVersion = text("initialVersion", b.initialVersion);
    this.heartbeat = atLeast("heartbeat", b.heartbeat, Duration.ofMillis(100));
    this.keepAlive = atLeast("keepAlive", b.keepAlive, Duration.ofSeconds(1));
    this.trusted = Objects.requireNonNull(b.trusted, "trusted keys");
    this.health = Objects.requireNonNull(b.health, "health");
    this.fault = Optional.ofNullable(b.fault);
    this.stuckFraction = fraction("stuckFraction", b.stuckFraction);
    this.offlineFraction = fraction("offlineFraction", b.offlineFraction);
    this.offlineAfter = atLeast("offlineAfter", b.offlineAfter, Duration.ZERO);
    this.fetch = Objects.requireNonNull(b.fetch, "fetch");
    this.downloadConcurrency = positive("downloadConcurrency", b.downloadConcurrency);
    this.downloadAttempts = positive("downloadAttempts", b.downloadAttempts);
    this.downloadTimeout = atLeast("downloadTimeout", b.downloadTimeout, Duration.ofMillis(100));
    this.rollbackAfter = Optional.ofNullable(b.rollbackAfter);
    this.eventLoops = positive("eventLoops", b.eventLoops);
    if (!(b.connectRate >= 0)) {
      throw new IllegalArgumentException(
          "connect rate is " + b.connectRate + ", expected >= 0 (0: no limit)");
    }
    this.connectRate = b.connectRate;
    this.seed = b.seed;
    this.progress = Optional.ofNullable(b.progress);
    this.progressInterval = atLeast("progressInterval", b.progressInterval, Duration.ofMillis(100));
  }

  public static Builder builder() {
    return new Builder();
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public int count() {
    return count;
  }

  /** The id of gateway {@code index}: the prefix and the index padded to the width of the count. */
  public String gatewayId(int index) {
    int width = String.valueOf(Math.max(0, count - 1)).length();
    return idPrefix + String.format("%0" + width + "d", index);
  }

  public Map<String, String> labels() {
    return labels;
  }

  public List<LabelSpread> spreads() {
    return spreads;
  }

  public String platform() {
    return platform;
  }

  public String agentVersion() {
    return agentVersion;
  }

  public String pipeline() {
    return pipeline;
  }

  public String model() {
    return model;
  }

  public String initialVersion() {
    return initialVersion;
  }

  public Duration heartbeat() {
    return heartbeat;
  }

  public Duration keepAlive() {
    return keepAlive;
  }

  public TrustedKeys trusted() {
    return trusted;
  }

  public HealthFigures health() {
    return health;
  }

  public Optional<FaultPlan> fault() {
    return fault;
  }

  public double stuckFraction() {
    return stuckFraction;
  }

  public double offlineFraction() {
    return offlineFraction;
  }

  public Duration offlineAfter() {
    return offlineAfter;
  }

  public FetchMode fetch() {
    return fetch;
  }

  public int downloadConcurrency() {
    return downloadConcurrency;
  }

  public int downloadAttempts() {
    return downloadAttempts;
  }

  public Duration downloadTimeout() {
    return downloadTimeout;
  }

  public Optional<Duration> rollbackAfter() {
    return rollbackAfter;
  }

  public int eventLoops() {
    return eventLoops;
  }

  public double connectRate() {
    return connectRate;
  }

  public long seed() {
    return seed;
  }

  public Optional<PrintStream> progress() {
    return progress;
  }

  public Duration progressInterval() {
    return progressInterval;
  }

  private static int positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " is " + value + ", expected at least 1");
    }
    return value;
  }

  private static double fraction(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " is " + value + ", expected 0 to 1");
    }
    return value;
  }

  private static String text(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is blank");
    }
    return value;
  }

  private static Duration atLeast(String name, Duration value, Duration min) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(min) < 0) {
      throw new IllegalArgumentException(name + " is " + value + ", expected at least " + min);
    }
    return value;
  }

  /** Collects settings; {@link #build()} validates them. */
  public static final class Builder {
    private String brokerUri = DEFAULT_BROKER;
    private int count = 10;
    private String idPrefix = DEFAULT_ID_PREFIX;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<LabelSpread> spreads = new ArrayList<>();
    private String platform = Platforms.current();
    private String agentVersion = DEFAULT_AGENT_VERSION;
    private String pipeline = DEFAULT_PIPELINE;
    private String model = DEFAULT_MODEL;
    private String initialVersion = DEFAULT_VERSION;
    private Duration heartbeat = DEFAULT_HEARTBEAT;
    private Duration keepAlive = DEFAULT_KEEP_ALIVE;
    private TrustedKeys trusted;
    private HealthFigures health = HealthFigures.DEFAULT;
    private FaultPlan fault;
    private double stuckFraction;
    private double offlineFraction;
    private Duration offlineAfter = Duration.ZERO;
    private FetchMode fetch = FetchMode.EVERY;
    private int downloadConcurrency = 32;
    private int downloadAttempts = 3;
    private Duration downloadTimeout = Duration.ofSeconds(30);
    private Duration rollbackAfter;
    private int eventLoops = 2;
    private double connectRate = 500;
    private long seed = 1;
    private PrintStream progress;
    private Duration progressInterval = Duration.ofSeconds(5);

    private Builder() {}

    /** {@code tcp://HOST[:PORT]}; MQTT 3.1.1. */
    public Builder brokerUri(String uri) {
      this.brokerUri = Objects.requireNonNull(uri, "brokerUri");
      return this;
    }

    public Builder count(int count) {
      this.count = count;
      return this;
    }

    /** Gateway ids are this prefix and a zero-padded index ({@code simgw-000} ...). */
    public Builder idPrefix(String prefix) {
      this.idPrefix = prefix;
      return this;
    }

    /** Labels every gateway carries. */
    public Builder labels(Map<String, String> labels) {
      this.labels.putAll(labels);
      return this;
    }

    /** A label whose values are spread over the fleet. */
    public Builder spread(LabelSpread spread) {
      this.spreads.add(Objects.requireNonNull(spread, "spread"));
      return this;
    }

    public Builder platform(String platform) {
      this.platform = platform;
      return this;
    }

    public Builder agentVersion(String agentVersion) {
      this.agentVersion = agentVersion;
      return this;
    }

    /** The one pipeline each gateway runs, and the model name and version it starts with. */
    public Builder pipeline(String pipeline, String model, String initialVersion) {
      this.pipeline = pipeline;
      this.model = model;
      this.initialVersion = initialVersion;
      return this;
    }

    /** How often each gateway publishes its reported state with fresh run figures. */
    public Builder heartbeat(Duration heartbeat) {
      this.heartbeat = heartbeat;
      return this;
    }

    /** The MQTT keep-alive; a silent gateway's last will fires 1.5 times this after it stops. */
    public Builder keepAlive(Duration keepAlive) {
      this.keepAlive = keepAlive;
      return this;
    }

    /** The keys a package must be signed by. */
    public Builder trusted(TrustedKeys trusted) {
      this.trusted = trusted;
      return this;
    }

    public Builder health(HealthFigures health) {
      this.health = health;
      return this;
    }

    public Builder fault(FaultPlan fault) {
      this.fault = fault;
      return this;
    }

    /** The share of gateways that receive desired states but never act on them. */
    public Builder stuckFraction(double fraction) {
      this.stuckFraction = fraction;
      return this;
    }

    /**
     * The share of gateways that fall silent {@code after} their first report (no more packets, as
     * if their power or link failed), so the broker publishes their last will.
     */
    public Builder offline(double fraction, Duration after) {
      this.offlineFraction = fraction;
      this.offlineAfter = after;
      return this;
    }

    public Builder fetch(FetchMode fetch) {
      this.fetch = fetch;
      return this;
    }

    /** HTTP connections shared by all gateways for package downloads. */
    public Builder downloadConcurrency(int connections) {
      this.downloadConcurrency = connections;
      return this;
    }

    /** Tries per file before a gateway reports {@code download_failed} (then retried per beat). */
    public Builder downloadAttempts(int attempts) {
      this.downloadAttempts = attempts;
      return this;
    }

    public Builder downloadTimeout(Duration timeout) {
      this.downloadTimeout = timeout;
      return this;
    }

    /**
     * Faulty gateways (errors, latency) roll back by themselves this long after activating, as the
     * agent's rollback window does; null (the default) leaves the decision to the console.
     */
    public Builder rollbackAfter(Duration after) {
      this.rollbackAfter = after;
      return this;
    }

    public Builder eventLoops(int loops) {
      this.eventLoops = loops;
      return this;
    }

    /** New MQTT connections per second while starting; 0 for no limit. */
    public Builder connectRate(double perSecond) {
      this.connectRate = perSecond;
      return this;
    }

    /** Labels, faulty, stuck and silent gateways and the latency scatter follow it. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Where a progress line goes every {@code interval}; null for none. */
    public Builder progress(PrintStream out, Duration interval) {
      this.progress = out;
      this.progressInterval = interval;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first bad value
     * @throws NullPointerException if the trusted keys are missing
     */
    public FleetOptions build() {
      return new FleetOptions(this);
    }
  }
}
