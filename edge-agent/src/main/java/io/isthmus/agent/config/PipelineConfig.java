package io.isthmus.agent.config;

import io.isthmus.inference.ModelOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One pipeline: which events it takes, how it turns them into a tensor, which model it runs, what
 * it publishes, and how it queues and batches.
 */
public record PipelineConfig(
    String name,
    String stream,
    String topicFilter,
    Decoder decoder,
    int maxPayloadBytes,
    Set<String> allowedDevices,
    List<PreStageConfig> pre,
    ModelSettings model,
    PostStageConfig post,
    QueueSettings queue,
    BatchSettings batch,
    int workers,
    ResultSettings result) {

  public PipelineConfig {
    allowedDevices = Set.copyOf(allowedDevices);
    pre = List.copyOf(pre);
  }

  /** How payloads are decoded. */
  public enum Decoder {
    JSON,
    PROTOBUF,
    /** protobuf for a {@code .pb} topic or content type application/x-protobuf, else JSON */
    AUTO
  }

  /** What to do with an event when the queue is full. */
  public enum Overload {
    DROP_OLDEST,
    REJECT
  }

  /** Which engine runs the model. */
  public enum Engine {
    AUTO,
    ONNXRUNTIME,
    TFLITE
  }

  /** How results are encoded. */
  public enum ResultFormat {
    JSON,
    PROTOBUF
  }

  public record ModelSettings(
      Path path,
      Engine engine,
      int threads,
      String name,
      String version,
      Optional<String> input,
      Optional<String> output,
      Optional<SplitSettings> split,
      ModelOptions options) {}

  public record QueueSettings(int capacity, Overload overload) {}

  /** Micro-batching; {@code max} 1 turns it off. */
  public record BatchSettings(int max, Duration maxDelay) {}

  public record ResultSettings(int qos, ResultFormat format, boolean includeOutputs) {}
}
