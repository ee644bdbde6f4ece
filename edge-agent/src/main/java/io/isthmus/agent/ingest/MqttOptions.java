package io.isthmus.agent.ingest;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable options of one {@link MqttConnection}, built by a validating {@link Builder}: every
 * setter rejects a bad value with an {@link IllegalArgumentException} naming the option and the
 * value, and {@link Builder#build()} checks the combinations (client certificate and key come
 * together, TLS files need {@code ssl://}, shared subscriptions and session expiry need MQTT 5).
 *
 * <p>The password is kept as a {@code char[]} copy and never appears in {@link #toString()}.
 */
public final class MqttOptions {

  public static final MqttVersion DEFAULT_MQTT_VERSION = MqttVersion.V5;
  public static final String DEFAULT_CLIENT_ID_PREFIX = "isthmus-";
  public static final boolean DEFAULT_VERIFY_HOSTNAME = true;
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);
  public static final boolean DEFAULT_CLEAN_START = true;
  public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ZERO;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RECONNECT_INITIAL_DELAY = Duration.ofMillis(100);
  public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_INFLIGHT = 1000;
  public static final int DEFAULT_OFFLINE_BUFFER = 10_000;

  /** The largest value MQTT's two-byte keep-alive field holds, in seconds. */
  static final long MAX_KEEP_ALIVE_SECONDS = 65_535;

  private final String serverUri;
  private final MqttVersion mqttVersion;
  private final String clientId;
  private final String username;
  private final char[] password;
  private final Path caFile;
  private final Path clientCertFile;
  private final Path clientKeyFile;
  private final boolean verifyHostname;
  private final Duration keepAlive;
  private final boolean cleanStart;
  private final Duration sessionExpiry;
  private final Duration connectTimeout;
  private final Duration reconnectInitialDelay;
  private final Duration reconnectMaxDelay;
  private final String sharedGroup;
  private final int maxInflight;
  private final int offlineBuffer;

  private MqttOptions(Builder b) {
    this.serverUri = b.serverUri;
    this.mqttVersion = b.mqttVersion;
    this.clientId = b.clientId != null ? b.clientId : generatedClientId();
    this.username = b.username;
    this.password = b.password == null ? null : b.password.clone();
    this.caFile = b.caFile;
    this.clientCertFile = b.clientCertFile;
    this.clientKeyFile = b.clientKeyFile;
    this.verifyHostname = b.verifyHostname;
    this.keepAlive = b.keepAlive;
    this.cleanStart = b.cleanStart;
    this.sessionExpiry = b.sessionExpiry;
    this.connectTimeout = b.connectTimeout;
    this.reconnectInitialDelay = b.reconnectInitialDelay;
    this.reconnectMaxDelay = b.reconnectMaxDelay;
    this.sharedGroup = b.sharedGroup;
    this.maxInflight = b.maxInflight;
    this.offlineBuffer = b.offlineBuffer;
  }

  /**
   * Starts options for the broker at {@code serverUri} ({@code tcp://host:port} or {@code
   * ssl://host:port}).
   *
   * @throws IllegalArgumentException when the URI is not of that form
   */
  public static Builder builder(String serverUri) {
    return new Builder(serverUri);
  }

  private static String generatedClientId() {
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    return DEFAULT_CLIENT_ID_PREFIX + HexFormat.of().formatHex(random);
  }

  public String serverUri() {
    return serverUri;
  }

  /** Whether the URI is {@code ssl://}: the server certificate is then always verified. */
  public boolean isTls() {
    return serverUri.startsWith("ssl://");
  }

  public MqttVersion mqttVersion() {
    return mqttVersion;
  }

  public String clientId() {
    return clientId;
  }

  public Optional<String> username() {
    return Optional.ofNullable(username);
  }

  /** A copy of the password; the caller should clear it after use. */
  public Optional<char[]> password() {
    return Optional.ofNullable(password).map(char[]::clone);
  }

  /** PEM file of the CA certificates that verify the broker; empty: the JDK's trust store. */
  public Optional<Path> caFile() {
    return Optional.ofNullable(caFile);
  }

  /** PEM file of the client certificate (chain) for mutual TLS. */
  public Optional<Path> clientCertFile() {
    return Optional.ofNullable(clientCertFile);
  }

  /** PEM file of the client's PKCS#8 private key (RSA or EC), unencrypted. */
  public Optional<Path> clientKeyFile() {
    return Optional.ofNullable(clientKeyFile);
  }

  public boolean verifyHostname() {
    return verifyHostname;
  }

  public Duration keepAlive() {
    return keepAlive;
  }

  public boolean cleanStart() {
    return cleanStart;
  }

  public Duration sessionExpiry() {
    return sessionExpiry;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration reconnectInitialDelay() {
    return reconnectInitialDelay;
  }

  public Duration reconnectMaxDelay() {
    return reconnectMaxDelay;
  }

  /** The MQTT 5 shared-subscription group; empty: plain subscriptions. */
  public Optional<String> sharedGroup() {
    return Optional.ofNullable(sharedGroup);
  }

  public int maxInflight() {
    return maxInflight;
  }

  /**
   * How many publishes may wait while the connection is down (sent in order after the reconnect);
   * 0: a publish while disconnected fails at once.
   */
  public int offlineBuffer() {
    return offlineBuffer;
  }

  @Override
  public String toString() {
    return "MqttOptions{serverUri="
        + serverUri
        + ", mqttVersion="
        + mqttVersion
        + ", clientId="
        + clientId
        + ", credentials="
        + (username != null || password != null)
        + ", caFile="
        + caFile
        + ", clientCertFile="
        + clientCertFile
        + ", verifyHostname="
        + verifyHostname
        + ", keepAlive="
        + keepAlive
        + ", cleanStart="
        + cleanStart
        + ", sessionExpiry="
        + sessionExpiry
        + ", connectTimeout="
        + connectTimeout
        + ", reconnectDelay="
        + reconnectInitialDelay
        + ".."
        + reconnectMaxDelay
        + ", sharedGroup="
        + sharedGroup
        + ", maxInflight="
        + maxInflight
        + ", offlineBuffer="
        + offlineBuffer
        + '}';
  }

  /** Validating builder; not thread-safe. */
  public static final class Builder {
    private final String serverUri;
    private MqttVersion mqttVersion = DEFAULT_MQTT_VERSION;
    private String clientId;
    private String username;
    private char[] password;
    private Path caFile;
    private Path clientCertFile;
    private Path clientKeyFile;
    private boolean verifyHostname = DEFAULT_VERIFY_HOSTNAME;
    private Duration keepAlive = DEFAULT_KEEP_ALIVE;
    private boolean cleanStart = DEFAULT_CLEAN_START;
    private Duration sessionExpiry = DEFAULT_SESSION_EXPIRY;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration reconnectInitialDelay = DEFAULT_RECONNECT_INITIAL_DELAY;
    private Duration reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;
    private String sharedGroup;
    private int maxInflight = DEFAULT_MAX_INFLIGHT;
    private int offlineBuffer = DEFAULT_OFFLINE_BUFFER;

    private Builder(String serverUri) {
      this.serverUri = checkServerUri(serverUri);
    }

    public Builder mqttVersion(MqttVersion version) {
      this.mqttVersion = Objects.requireNonNull(version, "mqttVersion must not be null");
      return this;
    }

    /** The client id; default {@code isthmus-} and 12 random hex digits. */
    public Builder clientId(String clientId) {
      if (clientId == null || clientId.isBlank() || clientId.length() > 65_535) {
        throw new IllegalArgumentException(
            "clientId '" + clientId + "' is not valid: expected 1 to 65535 non-blank characters");
      }
      this.clientId = clientId;
      return this;
    }

    public Builder username(String username) {
      if (username == null || username.isEmpty()) {
        throw new IllegalArgumentException("username must not be null or empty");
      }
      this.username = username;
      return this;
    }

    /** The password; the array is copied, so the caller may clear its own. */
    public Builder password(char[] password) {
      if (password == null) {
        throw new IllegalArgumentException("password must not be null");
      }
      this.password = password.clone();
      return this;
    }

    public Builder caFile(Path caFile) {
      this.caFile = checkReadable("caFile", caFile);
      return this;
    }

    public Builder clientCertFile(Path clientCertFile) {
      this.clientCertFile = checkReadable("clientCertFile", clientCertFile);
      return this;
    }

    public Builder clientKeyFile(Path clientKeyFile) {
      this.clientKeyFile = checkReadable("clientKeyFile", clientKeyFile);
      return this;
    }

    public Builder verifyHostname(boolean verifyHostname) {
      this.verifyHostname = verifyHostname;
      return this;
    }

    /** Keep-alive interval, whole seconds from 0 (off) to 65535. */
    public Builder keepAlive(Duration keepAlive) {
      checkNotNegative("keepAlive", keepAlive);
      if (keepAlive.toSeconds() > MAX_KEEP_ALIVE_SECONDS || keepAlive.toMillis() % 1000 != 0) {
        throw new IllegalArgumentException(
            "keepAlive " + keepAlive + " is not valid: expected whole seconds from 0 to 65535");
      }
      this.keepAlive = keepAlive;
      return this;
    }

    public Builder cleanStart(boolean cleanStart) {
      this.cleanStart = cleanStart;
      return this;
    }

    /** MQTT 5 session expiry, whole seconds; anything but zero needs {@link MqttVersion#V5}. */
    public Builder sessionExpiry(Duration sessionExpiry) {
      checkNotNegative("sessionExpiry", sessionExpiry);
      if (sessionExpiry.toMillis() % 1000 != 0 || sessionExpiry.toSeconds() > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException(
            "sessionExpiry " + sessionExpiry + " is not valid: expected whole seconds");
      }
      this.sessionExpiry = sessionExpiry;
      return this;
    }

    /** How long the first connect and every reconnect attempt may take; at least one second. */
    public Builder connectTimeout(Duration connectTimeout) {
      checkNotNegative("connectTimeout", connectTimeout);
      if (connectTimeout.toSeconds() < 1) {
        throw new IllegalArgumentException(
            "connectTimeout " + connectTimeout + " is not valid: expected at least 1 second");
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** The first delay before reconnecting; at least one millisecond. */
    public Builder reconnectInitialDelay(Duration delay) {
      this.reconnectInitialDelay = checkPositiveMillis("reconnectInitialDelay", delay);
      return this;
    }

    /** The longest delay between reconnect attempts; at least the initial delay. */
    public Builder reconnectMaxDelay(Duration delay) {
      this.reconnectMaxDelay = checkPositiveMillis("reconnectMaxDelay", delay);
      return this;
    }

    /**
     * The MQTT 5 shared-subscription group: filters are subscribed as {@code $share/GROUP/filter},
     * so the connections of one group split the messages between them.
     */
    public Builder sharedGroup(String group) {
      if (group == null
          || group.isEmpty()
          || group.contains("/")
          || group.contains("+")
          || group.contains("#")) {
        throw new IllegalArgumentException(
            "sharedGroup '" + group + "' is not valid: expected a non-empty name without / + #");
      }
      this.sharedGroup = group;
      return this;
    }

    /** How many QoS 1 messages may be unacknowledged at once, 1 to 65535. */
    public Builder maxInflight(int maxInflight) {
      if (maxInflight < 1 || maxInflight > 65_535) {
        throw new IllegalArgumentException(
            "maxInflight " + maxInflight + " is not valid: expected 1 to 65535");
      }
      this.maxInflight = maxInflight;
      return this;
    }

    /**
     * Publishes that may wait while the connection is down, 0 (none: fail at once) to 1000000; one
     * more fails and is counted in {@link MqttStats#offlineOverflows()}.
     */
    public Builder offlineBuffer(int messages) {
      if (messages < 0 || messages > 1_000_000) {
        throw new IllegalArgumentException(
            "offlineBuffer " + messages + " is not valid: expected 0 to 1000000");
      }
      this.offlineBuffer = messages;
      return this;
    }

    /**
     * Checks the combination of options and builds them.
     *
     * @throws IllegalArgumentException naming the options that do not go together
     */
    public MqttOptions build() {
      boolean tls = serverUri.startsWith("ssl://");
      if (!tls && (caFile != null || clientCertFile != null || clientKeyFile != null)) {
        throw new IllegalArgumentException(
            "caFile/clientCertFile/clientKeyFile need an ssl:// serverUri, but serverUri is "
                + serverUri);
      }
      if ((clientCertFile == null) != (clientKeyFile == null)) {
        throw new IllegalArgumentException(
            "clientCertFile and clientKeyFile must be set together, but only "
                + (clientCertFile != null ? "clientCertFile" : "clientKeyFile")
                + " is set");
      }
      if (reconnectMaxDelay.compareTo(reconnectInitialDelay) < 0) {
        throw new IllegalArgumentException(
            "reconnectMaxDelay "
                + reconnectMaxDelay
                + " is shorter than reconnectInitialDelay "
                + reconnectInitialDelay);
      }
      if (mqttVersion != MqttVersion.V5 && sharedGroup != null) {
        throw new IllegalArgumentException(
            "sharedGroup '"
                + sharedGroup
                + "' needs mqttVersion V5 (shared subscriptions are MQTT 5), but mqttVersion is "
                + mqttVersion);
      }
      if (mqttVersion != MqttVersion.V5 && !sessionExpiry.isZero()) {
        throw new IllegalArgumentException(
            "sessionExpiry "
                + sessionExpiry
                + " needs mqttVersion V5 (session expiry is MQTT 5), but mqttVersion is "
                + mqttVersion);
      }
      if (password != null && username == null) {
        throw new IllegalArgumentException("password is set but username is not");
      }
      return new MqttOptions(this);
    }

    private static String checkServerUri(String serverUri) {
      String expected = "expected tcp://host:port or ssl://host:port";
      if (serverUri == null) {
        throw new IllegalArgumentException("serverUri must not be null: " + expected);
      }
      try {
        URI uri = new URI(serverUri);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean bare =
            (uri.getPath() == null || uri.getPath().isEmpty())
                && uri.getQuery() == null
                && uri.getFragment() == null
                && uri.getUserInfo() == null;
        if ((scheme.equals("tcp") || scheme.equals("ssl"))
            && uri.getHost() != null
            && uri.getPort() > 0
            && uri.getPort() <= 65_535
            && bare) {
          return scheme + "://" + uri.getHost() + ":" + uri.getPort();
        }
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "serverUri '" + serverUri + "' is not valid: " + expected, e);
      }
      throw new IllegalArgumentException("serverUri '" + serverUri + "' is not valid: " + expected);
    }

    private static Path checkReadable(String option, Path file) {
      if (file == null) {
        throw new IllegalArgumentException(option + " must not be null");
      }
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new IllegalArgumentException(
            option + " " + file + " is not valid: expected a readable PEM file");
      }
      return file;
    }

    private static void checkNotNegative(String option, Duration value) {
      if (value == null || value.isNegative()) {
        throw new IllegalArgumentException(
            option + " " + value + " is not valid: expected a duration of zero or more");
      }
    }

    private static Duration checkPositiveMillis(String option, Duration value) {
      if (value == null || value.toMillis() < 1) {
        throw new IllegalArgumentException(
            option + " " + value + " is not valid: expected at least 1 millisecond");
      }
      return value;
    }
  }
}
