package io.isthmus.agent.config;

import io.isthmus.agent.config.PipelineConfig.BatchSettings;
import io.isthmus.agent.config.PipelineConfig.Decoder;
import io.isthmus.agent.config.PipelineConfig.Engine;
import io.isthmus.agent.config.PipelineConfig.ModelSettings;
import io.isthmus.agent.config.PipelineConfig.Overload;
import io.isthmus.agent.config.PipelineConfig.QueueSettings;
import io.isthmus.agent.config.PipelineConfig.ResultFormat;
import io.isthmus.agent.config.PipelineConfig.ResultSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads one entry of {@code pipelines}. */
final class PipelineConfigReader {
  static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
  private final Path baseDir;
  private final StageConfigReader stages;

  PipelineConfigReader(Path baseDir) {
    this.baseDir = baseDir;
    this.stages = new StageConfigReader(baseDir);
  }

  PipelineConfig read(ConfigNode node) {
    node.allowOnly(
        "name",
        "stream",
        "topic",
        "decoder",
        "maxPayloadBytes",
        "devices",
        "pre",
        "model",
        "post",
        "queue",
        "batch",
        "workers",
        "result");
    String name = node.requiredString("name", "a pipeline name");
    AgentConfigReader.checkTopicLevel(node.path("name"), name);
    String stream = node.string("stream", name);
    AgentConfigReader.checkTopicLevel(node.path("stream"), stream);
    String topic = node.string("topic", "sensors/+/" + stream);
    List<PreStageConfig> pre = new ArrayList<>();
    for (ConfigNode stage : node.list("pre")) {
      pre.add(stages.pre(stage));
    }
    if (pre.isEmpty()) {
      throw new ConfigException(
          node.path("pre"),
          "missing, expected a list of stages (fields, window, image or pcm first)");
    }
    StageConfigReader.checkOrder(node.path("pre"), pre);
    ConfigNode post = node.child("post");
    int workers = node.integer("workers", 1, 1, 64);
    return new PipelineConfig(
        name,
        stream,
        topic,
        node.choice(
            "decoder",
            Decoder.AUTO,
            Map.of("json", Decoder.JSON, "protobuf", Decoder.PROTOBUF, "auto", Decoder.AUTO)),
        node.integer("maxPayloadBytes", DEFAULT_MAX_PAYLOAD_BYTES, 1, Integer.MAX_VALUE),
        new HashSet<>(node.strings("devices")),
        pre,
        model(node.requiredChild("model"), name),
        post.isPresent() ? stages.post(post) : new PostStageConfig.Raw(),
        queue(node.child("queue")),
        batch(node.child("batch")),
        workers,
        result(node.child("result")));
  }

  private ModelSettings model(ConfigNode node, String pipeline) {
    node.allowOnly(
        "path", "engine", "threads", "name", "version", "input", "output", "split", "accelerator");
    Path path = baseDir.resolve(node.requiredString("path", "a model file path"));
    String file = path.getFileName().toString();
    String defaultName = file.contains(".") ? file.substring(0, file.lastIndexOf('.')) : file;
    int threads = node.integer("threads", 1, 1, 256);
    return new ModelSettings(
        path,
        node.choice(
            "engine",
            Engine.AUTO,
            Map.of(
                "auto", Engine.AUTO, "onnxruntime", Engine.ONNXRUNTIME, "tflite", Engine.TFLITE)),
        threads,
        node.string("name", defaultName),
        node.string("version", "1"),
        node.string("input"),
        node.string("output"),
        node.child("split").isPresent()
            ? Optional.of(new SplitConfigReader(baseDir).read(node.child("split")))
            : Optional.empty(),
        AcceleratorConfigReader.read(node.child("accelerator"), threads));
  }

  private static QueueSettings queue(ConfigNode node) {
    node.allowOnly("capacity", "overload");
    return new QueueSettings(
        node.integer("capacity", 1024, 1, 1 << 20),
        node.choice(
            "overload",
            Overload.DROP_OLDEST,
            Map.of("drop-oldest", Overload.DROP_OLDEST, "reject", Overload.REJECT)));
  }

  private static BatchSettings batch(ConfigNode node) {
    node.allowOnly("max", "maxDelay");
    // 0 by default: batch what is already waiting, never hold an event back for company
    Duration maxDelay = node.duration("maxDelay", Duration.ZERO);
    if (maxDelay.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new ConfigException(node.path("maxDelay"), maxDelay + " is not at most 10s");
    }
    return new BatchSettings(node.integer("max", 1, 1, 1024), maxDelay);
  }

  private static ResultSettings result(ConfigNode node) {
    node.allowOnly("qos", "format", "outputs");
    return new ResultSettings(
        node.integer("qos", 0, 0, 1),
        node.choice(
            "format",
            ResultFormat.JSON,
            Map.of("json", ResultFormat.JSON, "protobuf", ResultFormat.PROTOBUF)),
        node.bool("outputs", false));
  }
}
