package io.isthmus.sim.run;

import io.isthmus.protocol.mqtt.MqttTopics;
import io.isthmus.sim.load.LoadShape;
import io.isthmus.sim.profile.SensorProfile;
import io.isthmus.sim.profile.VibrationProfile;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What a simulation run does: which broker, how many devices, which sensor profile, which load
 * shape for how long, and how it waits for results. Immutable; built by {@link #builder()}, whose
 * setters reject bad values with a message naming the argument.
 */
public final class SimulationConfig {
  public static final String DEFAULT_BROKER = "tcp://127.0.0.1:1883";
  public static final int DEFAULT_DEVICES = 10;
  public static final double DEFAULT_RATE = 100;
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
  public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(5);
  public static final Duration DEFAULT_SETTLE = Duration.ofMillis(200);
  public static final String DEFAULT_DEVICE_PREFIX = "sim-";
  public static final int DEFAULT_OFFLINE_BUFFER = 100_000;

  private final String brokerUri;
  private final int devices;
  private final String devicePrefix;
  private final SensorProfile profile;
  private final LoadShape load;
  private final Duration duration;
  private final int qos;
  private final MqttVersion mqttVersion;
  private final PayloadFormat format;
  private final long seed;
  private final long firstSequence;
  private final Duration drainTimeout;
  private final Duration settleTime;
  private final Duration connectTimeout;
  private final String resultFilter;
  private final MqttTopics topics;
  private final String clientId;
  private final boolean persistentSession;
  private final int offlineBuffer;
  private final PrintStream progress;

  private SimulationConfig(Builder b) {
    this.brokerUri = b.brokerUri;
    this.devices = b.devices;
    this.devicePrefix = b.devicePrefix;
    this.profile = b.profile;
    this.load = b.load;
    this.duration = b.duration;
    this.qos = b.qos;
    this.mqttVersion = b.mqttVersion;
    this.format = b.format;
    this.seed = b.seed;
    this.firstSequence = b.firstSequence;
    this.drainTimeout = b.drainTimeout;
    this.settleTime = b.settleTime;
    this.connectTimeout = b.connectTimeout;
    this.topics = b.topics;
    this.resultFilter = b.resultFilter != null ? b.resultFilter : b.topics.resultPrefix() + "/+/+";
    this.clientId = b.clientId != null ? b.clientId : "isthmus-sim-" + UUID.randomUUID();
    this.persistentSession = b.persistentSession;
    this.offlineBuffer = b.offlineBuffer;
    this.progress = b.progress;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String brokerUri() {
    return brokerUri;
  }

  public int devices() {
    return devices;
  }

  /** Device ids are this prefix and a zero-padded index: {@code sim-007}. */
  public String devicePrefix() {
    return devicePrefix;
  }

  /** The id of device {@code index} (0-based). */
  public String deviceId(int index) {
    int width = String.valueOf(devices - 1).length();
    return devicePrefix + String.format("%0" + width + "d", index);
  }

  public SensorProfile profile() {
    return profile;
  }

  public LoadShape load() {
    return load;
  }

  public Duration duration() {
    return duration;
  }

  public int qos() {
    return qos;
  }

  public MqttVersion mqttVersion() {
    return mqttVersion;
  }

  public PayloadFormat format() {
    return format;
  }

  public long seed() {
    return seed;
  }

  public long firstSequence() {
    return firstSequence;
  }

  public Duration drainTimeout() {
    return drainTimeout;
  }

  public Duration settleTime() {
    return settleTime;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The subscription for results, by default {@code isthmus/v1/results/+/+}. */
  public String resultFilter() {
    return resultFilter;
  }

  public MqttTopics topics() {
    return topics;
  }

  public String clientId() {
    return clientId;
  }

  /**
   * Whether the connection keeps a persistent session (clean session / clean start off, session
   * kept for an hour on MQTT 5) and reconnects by itself: QoS 1 events in flight when the broker
   * goes away are sent again after the reconnect, events published while disconnected wait in a
   * buffer of {@link #offlineBuffer()} messages, and results published while the simulator was away
   * are delivered when it is back.
   */
  public boolean persistentSession() {
    return persistentSession;
  }

  /** With a persistent session: how many events may wait while the broker is unreachable. */
  public int offlineBuffer() {
    return offlineBuffer;
  }

  /** Where the once-a-second progress line goes; empty for none. */
  public Optional<PrintStream> progress() {
    return Optional.ofNullable(progress);
  }

  /** Validating builder. */
  public static final class Builder {
    private String brokerUri = DEFAULT_BROKER;
    private int devices = DEFAULT_DEVICES;
    private String devicePrefix = DEFAULT_DEVICE_PREFIX;
    private SensorProfile profile = VibrationProfile.defaults();
    private LoadShape load = LoadShape.constant(DEFAULT_RATE);
    private Duration duration = DEFAULT_DURATION;
    private int qos = 0;
    private MqttVersion mqttVersion = MqttVersion.V3_1_1;
    private PayloadFormat format = PayloadFormat.JSON;
    private long seed = 1;
    private long firstSequence = 0;
    private Duration drainTimeout = DEFAULT_DRAIN;
    private Duration settleTime = DEFAULT_SETTLE;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private String resultFilter;
    private MqttTopics topics = MqttTopics.defaults();
    private String clientId;
    private boolean persistentSession;
    private int offlineBuffer = DEFAULT_OFFLINE_BUFFER;
    private PrintStream progress;

    private Builder() {}

    /** {@code tcp://host:port} or {@code ssl://host:port}. */
    public Builder brokerUri(String uri) {
      URI parsed;
      try {
        parsed = new URI(Objects.requireNonNull(uri, "brokerUri"));
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("brokerUri is '" + uri + "', not a URI", e);
      }
      String scheme = parsed.getScheme();
      if (scheme == null
          || !(scheme.equals("tcp") || scheme.equals("ssl"))
          || parsed.getHost() == null
          || parsed.getPort() < 0) {
        throw new IllegalArgumentException(
            "brokerUri is '" + uri + "', expected tcp://host:port or ssl://host:port");
      }
      this.brokerUri = uri;
      return this;
    }

    /** Number of devices sharing the total rate, 1 to 100000. */
    public Builder devices(int devices) {
      if (devices < 1 || devices > 100_000) {
        throw new IllegalArgumentException("devices is " + devices + ", expected 1 to 100000");
      }
      this.devices = devices;
      return this;
    }

    public Builder devicePrefix(String prefix) {
      if (prefix == null || prefix.matches(".*[/+#\\x00].*")) {
        throw new IllegalArgumentException(
            "devicePrefix is '" + prefix + "', expected text without / + # or NUL");
      }
      this.devicePrefix = prefix;
      return this;
    }

    public Builder profile(SensorProfile profile) {
      this.profile = Objects.requireNonNull(profile, "profile");
      return this;
    }

    public Builder load(LoadShape load) {
      this.load = Objects.requireNonNull(load, "load");
      return this;
    }

    /** How long events are sent; positive. */
    public Builder duration(Duration duration) {
      this.duration = positive(duration, "duration");
      return this;
    }

    /** 0 or 1, for events and the result subscription. */
    public Builder qos(int qos) {
      if (qos != 0 && qos != 1) {
        throw new IllegalArgumentException("qos is " + qos + ", expected 0 or 1");
      }
      this.qos = qos;
      return this;
    }

    public Builder mqttVersion(MqttVersion version) {
      this.mqttVersion = Objects.requireNonNull(version, "mqttVersion");
      return this;
    }

    public Builder format(PayloadFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /** Seeds the profile's sources and the load's schedule. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The first sequence number of every device (default 0). Use a fresh one when re-running
     * against an agent that remembers (device, seq) pairs it has seen.
     */
    public Builder firstSequence(long first) {
      this.firstSequence = first;
      return this;
    }

    /** How long to wait for missing results after the last send; at least 0. */
    public Builder drainTimeout(Duration drain) {
      this.drainTimeout = nonNegative(drain, "drainTimeout");
      return this;
    }

    /** How long to keep listening for duplicates once every event has a result; at least 0. */
    public Builder settleTime(Duration settle) {
      this.settleTime = nonNegative(settle, "settleTime");
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** The result subscription; default {@code <result prefix>/+/+}. */
    public Builder resultFilter(String filter) {
      if (filter == null || filter.isEmpty()) {
        throw new IllegalArgumentException("resultFilter is empty, expected an MQTT topic filter");
      }
      this.resultFilter = filter;
      return this;
    }

    public Builder topics(MqttTopics topics) {
      this.topics = Objects.requireNonNull(topics, "topics");
      return this;
    }

    public Builder clientId(String clientId) {
      if (clientId == null || clientId.isEmpty()) {
        throw new IllegalArgumentException("clientId is empty");
      }
      this.clientId = clientId;
      return this;
    }

    /**
     * A persistent session that survives broker restarts (see {@link
     * SimulationConfig#persistentSession()}); give a stable {@link #clientId} with it.
     */
    public Builder persistentSession(boolean persistent) {
      this.persistentSession = persistent;
      return this;
    }

    /** Events that may wait while disconnected (persistent sessions only), 1 to 1000000. */
    public Builder offlineBuffer(int messages) {
      if (messages < 1 || messages > 1_000_000) {
        throw new IllegalArgumentException(
            "offlineBuffer is " + messages + ", expected 1 to 1000000");
      }
      this.offlineBuffer = messages;
      return this;
    }

    /** Prints a progress line once a second to {@code out} (null: none). */
    public Builder progress(PrintStream out) {
      this.progress = out;
      return this;
    }

    public SimulationConfig build() {
      return new SimulationConfig(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " is " + d + ", expected a positive duration");
      }
      return d;
    }

    private static Duration nonNegative(Duration d, String name) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException(name + " is " + d + ", expected 0 or more");
      }
      return d;
    }
  }
}
