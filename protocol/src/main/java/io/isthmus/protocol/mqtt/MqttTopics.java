package io.isthmus.protocol.mqtt;

import java.util.Objects;
import java.util.Optional;

/**
 * The MQTT topic names Isthmus uses, with configurable prefixes. Immutable and thread-safe.
 *
 * <table>
 *   <caption>Default topics</caption>
 *   <tr><td>sensor event, JSON</td><td>{@code sensors/{deviceId}/{stream}}</td></tr>
 *   <tr><td>sensor event, protobuf</td><td>{@code sensors/{deviceId}/{stream}.pb}</td></tr>
 *   <tr><td>result</td><td>{@code isthmus/v1/results/{pipeline}/{deviceId}}</td></tr>
 *   <tr><td>fleet</td><td>{@code isthmus/v1/gateways/{gatewayId}/desired|reported|events}</td></tr>
 * </table>
 *
 * <p>The {@code topic}-building methods throw {@link IllegalArgumentException} naming the argument
 * when an id is empty or contains {@code '/'}, {@code '+'}, {@code '#'} or NUL (streams also must
 * not end with {@code .pb}). The {@code parse} methods never throw for a non-matching topic: they
 * return {@link Optional#empty()} for a topic of another kind, a different prefix, the wrong number
 * of levels or an invalid id, because a subscriber may see topics it does not own.
 */
public final class MqttTopics {
  /** Default prefix of sensor topics. */
  public static final String DEFAULT_SENSOR_PREFIX = "sensors";

  /** Default prefix of result topics. */
  public static final String DEFAULT_RESULT_PREFIX = "isthmus/v1/results";

  /** Default prefix of fleet topics. */
  public static final String DEFAULT_GATEWAY_PREFIX = "isthmus/v1/gateways";

  private static final MqttTopics DEFAULTS = builder().build();

  private final String sensorPrefix;
  private final String resultPrefix;
  private final String gatewayPrefix;

  private MqttTopics(Builder builder) {
    this.sensorPrefix = builder.sensorPrefix;
    this.resultPrefix = builder.resultPrefix;
    this.gatewayPrefix = builder.gatewayPrefix;
  }

  /** The topics with the default prefixes. */
  public static MqttTopics defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the default prefixes. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code sensors/{deviceId}/{stream}}: a JSON sensor event. */
  public String sensor(String deviceId, String stream) {
    return sensorPrefix
        + '/'
        + TopicLevels.requireValid("deviceId", deviceId)
        + '/'
        + TopicLevels.requireValidStream(stream);
  }

  /** {@code sensors/{deviceId}/{stream}.pb}: a protobuf {@code SensorEvent}. */
  public String sensorProtobuf(String deviceId, String stream) {
    return sensor(deviceId, stream) + TopicLevels.PROTOBUF_SUFFIX;
  }

  /** {@code sensors/+/+}: every sensor topic, JSON and protobuf. */
  public String sensorSubscription() {
    return sensorPrefix + "/+/+";
  }

  /** Parses a sensor topic; empty if {@code topic} is not one (see the class comment). */
  public Optional<SensorTopic> parseSensor(String topic) {
    String[] levels = levelsAfter(sensorPrefix, topic, 2);
    if (levels == null) {
      return Optional.empty();
    }
    String stream = levels[1];
    boolean protobuf = stream.endsWith(TopicLevels.PROTOBUF_SUFFIX);
    if (protobuf) {
      stream = stream.substring(0, stream.length() - TopicLevels.PROTOBUF_SUFFIX.length());
    }
    if (!TopicLevels.isValid(levels[0])
        || !TopicLevels.isValid(stream)
        || stream.endsWith(TopicLevels.PROTOBUF_SUFFIX)) {
      return Optional.empty();
    }
    return Optional.of(new SensorTopic(levels[0], stream, protobuf));
  }

  /** {@code isthmus/v1/results/{pipeline}/{deviceId}}. */
  public String result(String pipeline, String deviceId) {
    return resultPrefix
        + '/'
        + TopicLevels.requireValid("pipeline", pipeline)
        + '/'
        + TopicLevels.requireValid("deviceId", deviceId);
  }

  /** {@code isthmus/v1/results/{pipeline}/+}: every result of one pipeline. */
  public String resultSubscription(String pipeline) {
    return resultPrefix + '/' + TopicLevels.requireValid("pipeline", pipeline) + "/+";
  }

  /** Parses a result topic; empty if {@code topic} is not one (see the class comment). */
  public Optional<ResultTopic> parseResult(String topic) {
    String[] levels = levelsAfter(resultPrefix, topic, 2);
    if (levels == null || !TopicLevels.isValid(levels[0]) || !TopicLevels.isValid(levels[1])) {
      return Optional.empty();
    }
    return Optional.of(new ResultTopic(levels[0], levels[1]));
  }

  /** {@code isthmus/v1/gateways/{gatewayId}/{channel}}. */
  public String gateway(String gatewayId, GatewayChannel channel) {
    Objects.requireNonNull(channel, "channel");
    return gatewayPrefix
        + '/'
        + TopicLevels.requireValid("gatewayId", gatewayId)
        + '/'
        + channel.segment();
  }

  /** {@code isthmus/v1/gateways/+/{channel}}: one channel of every gateway (the console's view). */
  public String gatewaySubscription(GatewayChannel channel) {
    return gatewayPrefix + "/+/" + Objects.requireNonNull(channel, "channel").segment();
  }

  /** Parses a fleet topic; empty if {@code topic} is not one (see the class comment). */
  public Optional<GatewayTopic> parseGateway(String topic) {
    String[] levels = levelsAfter(gatewayPrefix, topic, 2);
    if (levels == null || !TopicLevels.isValid(levels[0])) {
      return Optional.empty();
    }
    GatewayChannel channel = GatewayChannel.fromSegment(levels[1]);
    return channel == null ? Optional.empty() : Optional.of(new GatewayTopic(levels[0], channel));
  }

  /** The prefix of sensor topics. */
  public String sensorPrefix() {
    return sensorPrefix;
  }

  /** The prefix of result topics. */
  public String resultPrefix() {
    return resultPrefix;
  }

  /** The prefix of fleet topics. */
  public String gatewayPrefix() {
    return gatewayPrefix;
  }

  private static String[] levelsAfter(String prefix, String topic, int count) {
    if (topic == null || !topic.startsWith(prefix + '/')) {
      return null;
    }
    String[] levels = topic.substring(prefix.length() + 1).split("/", -1);
    return levels.length == count ? levels : null;
  }

  @Override
  public String toString() {
    return "MqttTopics[sensors="
        + sensorPrefix
        + ", results="
        + resultPrefix
        + ", gateways="
        + gatewayPrefix
        + "]";
  }

  /** Builds {@link MqttTopics}; each setter validates its argument. Not thread-safe. */
  public static final class Builder {
    private String sensorPrefix = DEFAULT_SENSOR_PREFIX;
    private String resultPrefix = DEFAULT_RESULT_PREFIX;
    private String gatewayPrefix = DEFAULT_GATEWAY_PREFIX;

    private Builder() {}

    /**
     * @throws IllegalArgumentException if the prefix is empty, has wildcards or empty levels
     */
    public Builder sensorPrefix(String prefix) {
      this.sensorPrefix = TopicLevels.requireValidPrefix("sensorPrefix", prefix);
      return this;
    }

    /**
     * @throws IllegalArgumentException if the prefix is empty, has wildcards or empty levels
     */
    public Builder resultPrefix(String prefix) {
      this.resultPrefix = TopicLevels.requireValidPrefix("resultPrefix", prefix);
      return this;
    }

    /**
     * @throws IllegalArgumentException if the prefix is empty, has wildcards or empty levels
     */
    public Builder gatewayPrefix(String prefix) {
      this.gatewayPrefix = TopicLevels.requireValidPrefix("gatewayPrefix", prefix);
      return this;
    }

    /** The topics; never fails, since every setter validated its argument. */
    public MqttTopics build() {
      return new MqttTopics(this);
    }
  }
}
