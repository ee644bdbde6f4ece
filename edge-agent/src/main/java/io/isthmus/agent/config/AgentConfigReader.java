package io.isthmus.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.isthmus.agent.config.AgentConfig.BrokerSettings;
import io.isthmus.agent.config.AgentConfig.HttpSettings;
import io.isthmus.agent.config.AgentConfig.MqttProtocol;
import io.isthmus.agent.config.AgentConfig.MqttSettings;
import io.isthmus.agent.config.AgentConfig.SessionMode;
import io.isthmus.agent.config.AgentConfig.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the agent's YAML file into an {@link AgentConfig}. Unknown keys, wrong types and bad values
 * fail with a {@link ConfigException} naming the key path, the value and what was expected.
 */
public final class AgentConfigReader {
  private static final int MAX_PORT = 65535;

  private AgentConfigReader() {}

  /**
   * Reads {@code file}; relative paths inside it (models, labels) resolve against its folder.
   *
   * @throws ConfigException when the file cannot be read or holds a bad value
   */
  public static AgentConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "cannot be read (" + e + ")", e);
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(text, base);
  }

  /** Parses YAML text; relative paths resolve against {@code baseDir}. */
  public static AgentConfig parse(String yaml, Path baseDir) {
    return parse(yaml, baseDir, KeyLog.NONE);
  }

  /** Parses YAML text and tells {@code log} every key declared and read. */
  static AgentConfig parse(String yaml, Path baseDir, KeyLog log) {
    JsonNode tree;
    try {
      tree = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException("(file)", "not valid YAML: " + e.getOriginalMessage(), e);
    }
    ConfigNode root = new ConfigNode(tree, "", log);
    if (!root.isPresent()) {
      throw new ConfigException("(file)", "empty, expected a mapping with pipelines");
    }
    root.allowOnly("gateway", "mqtt", "broker", "http", "pipelines", "sync", "outbox");
    ConfigNode gateway = root.child("gateway").allowOnly("id", "labels");
    String gatewayId = gateway.string("id", "gateway-1");
    checkTopicLevel(gateway.path("id"), gatewayId);
    Map<String, String> labels = labels(gateway.child("labels"));
    BrokerSettings broker = broker(root.child("broker").allowOnly("embedded"));
    MqttSettings mqtt = mqtt(root.child("mqtt"), gatewayId);
    if (mqtt.uri().isEmpty() && !broker.enabled()) {
      throw new ConfigException(
          "mqtt.uri", "missing, expected a broker URI (or broker.embedded.enabled: true)");
    }
    ConfigNode http = root.child("http").allowOnly("host", "port");
    HttpSettings httpSettings =
        new HttpSettings(http.string("host", "0.0.0.0"), http.integer("port", 8080, 0, MAX_PORT));
    List<PipelineConfig> pipelines = new ArrayList<>();
    Set<String> names = new HashSet<>();
    PipelineConfigReader pipelineReader = new PipelineConfigReader(baseDir);
    List<ConfigNode> items = root.list("pipelines");
    if (items.isEmpty()) {
      throw new ConfigException("pipelines", "missing, expected a list of at least one pipeline");
    }
    for (ConfigNode item : items) {
      PipelineConfig pipeline = pipelineReader.read(item);
      if (!names.add(pipeline.name())) {
        throw new ConfigException(
            item.path("name"), "\"" + pipeline.name() + "\" is not unique among pipelines");
      }
      for (PipelineConfig other : pipelines) {
        if (other.topicFilter().equals(pipeline.topicFilter())) {
          // one subscription per filter: the second pipeline would silently take the first's events
          throw new ConfigException(
              item.path("topic"),
              "\""
                  + pipeline.topicFilter()
                  + "\" is already the topic of pipeline "
                  + other.name()
                  + ", expected one pipeline per topic");
        }
      }
      pipelines.add(pipeline);
    }
    return new AgentConfig(
        gatewayId,
        labels,
        mqtt,
        broker,
        httpSettings,
        pipelines,
        SyncConfigReader.read(root.child("sync"), baseDir),
        OutboxConfigReader.read(root.child("outbox"), baseDir, gatewayId));
  }

  /** {@code gateway.labels}: a mapping of non-empty names to text values. */
  private static Map<String, String> labels(ConfigNode node) {
    Map<String, String> labels = new java.util.TreeMap<>();
    if (!node.isPresent()) {
      return labels;
    }
    JsonNode raw = node.raw();
    if (!raw.isObject()) {
      throw new ConfigException(
          node.path(), ConfigNode.describe(raw) + " is not a mapping of label names to values");
    }
    raw.fieldNames()
        .forEachRemaining(
            name -> {
              if (name.isBlank()) {
                throw new ConfigException(node.path(), "a label name is empty");
              }
              labels.put(name, node.requiredString(name, "a label value"));
            });
    return labels;
  }

  private static BrokerSettings broker(ConfigNode node) {
    ConfigNode embedded = node.child("embedded").allowOnly("enabled", "host", "port");
    return new BrokerSettings(
        embedded.bool("enabled", false),
        embedded.string("host", "127.0.0.1"),
        embedded.integer("port", 1883, 0, MAX_PORT));
  }

  private static MqttSettings mqtt(ConfigNode node, String gatewayId) {
    node.allowOnly(
        "uri",
        "version",
        "clientId",
        "username",
        "password",
        "passwordFile",
        "tls",
        "qos",
        "sharedGroup",
        "reconnect",
        "session",
        "sessionExpiry",
        "offlineBuffer");
    Optional<String> uri = node.string("uri");
    uri.ifPresent(
        u -> {
          if (!u.matches("(tcp|ssl)://[^/]+(:\\d+)?")) {
            throw new ConfigException(
                node.path("uri"), "\"" + u + "\" is not a broker URI like tcp://host:1883");
          }
        });
    MqttProtocol version =
        node.choice(
            "version", MqttProtocol.V5, Map.of("5", MqttProtocol.V5, "3.1.1", MqttProtocol.V3_1_1));
    if (node.has("password") && node.has("passwordFile")) {
      throw new ConfigException(
          node.path("passwordFile"), "set too, expected password or passwordFile, not both");
    }
    ConfigNode tls = node.child("tls").allowOnly("ca", "cert", "key");
    Optional<TlsSettings> tlsSettings =
        tls.isPresent()
            ? Optional.of(new TlsSettings(tls.file("ca"), tls.file("cert"), tls.file("key")))
            : Optional.empty();
    if (tls.has("cert") != tls.has("key")) {
      throw new ConfigException(
          tls.path(tls.has("cert") ? "key" : "cert"),
          "missing, expected both cert and key for client authentication");
    }
    ConfigNode reconnect = node.child("reconnect").allowOnly("initial", "max");
    Duration initial = reconnect.duration("initial", Duration.ofMillis(500));
    Duration max = reconnect.duration("max", Duration.ofSeconds(30));
    if (max.compareTo(initial) < 0) {
      throw new ConfigException(
          reconnect.path("max"), max + " is not at least reconnect.initial (" + initial + ")");
    }
    SessionMode session =
        node.choice(
            "session",
            SessionMode.CLEAN,
            Map.of("clean", SessionMode.CLEAN, "persistent", SessionMode.PERSISTENT));
    Duration sessionExpiry = node.duration("sessionExpiry", Duration.ofHours(1));
    if (sessionExpiry.isZero() || sessionExpiry.toMillis() % 1000 != 0) {
      throw new ConfigException(
          node.path("sessionExpiry"), sessionExpiry + " is not a positive number of whole seconds");
    }
    return new MqttSettings(
        uri,
        version,
        node.string("clientId", "isthmus-agent-" + gatewayId),
        node.string("username"),
        node.string("password"),
        node.file("passwordFile"),
        tlsSettings,
        node.integer("qos", 1, 0, 1),
        node.string("sharedGroup"),
        initial,
        max,
        session,
        sessionExpiry,
        node.integer("offlineBuffer", 10_000, 0, 1_000_000));
  }

  static void checkTopicLevel(String path, String id) {
    if (id.contains("/") || id.contains("+") || id.contains("#")) {
      throw new ConfigException(
          path, "\"" + id + "\" is not one MQTT topic level (no '/', '+', '#')");
    }
  }
}
