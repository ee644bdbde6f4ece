package io.isthmus.agent.pipeline;

import io.isthmus.agent.config.PipelineConfig;
import io.isthmus.agent.config.PipelineConfig.ResultFormat;
import io.isthmus.agent.metrics.PipelineMetrics;
import io.isthmus.agent.pipeline.post.Postprocessor;
import io.isthmus.agent.pipeline.post.RawPost;
import io.isthmus.agent.pipeline.post.ResultTensors;
import io.isthmus.inference.Outputs;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.json.InferenceResultJson;
import io.isthmus.protocol.mqtt.MqttTopics;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.protocol.v1.LatencyBreakdown;
import io.isthmus.protocol.v1.SensorEvent;
import io.vertx.core.Future;
import java.util.function.BiConsumer;

/**
 * Builds the {@link InferenceResult} of one event (correlation, summary, latency breakdown),
 * encodes it and publishes it to {@code isthmus/v1/results/{pipeline}/{deviceId}}.
 */
final class ResultPublisher {
  private final PipelineConfig config;
  private final Postprocessor post;
  private final ResultSink sink;
  private final PipelineMetrics metrics;
  private final MqttTopics topics = MqttTopics.defaults();
  private final InferenceResultJson json = InferenceResultJson.defaults();
  private final BiConsumer<String, Throwable> onPublishFailure;

  ResultPublisher(
      PipelineConfig config,
      Postprocessor post,
      ResultSink sink,
      PipelineMetrics metrics,
      BiConsumer<String, Throwable> onPublishFailure) {
    this.config = config;
    this.post = post;
    this.sink = sink;
    this.metrics = metrics;
    this.onPublishFailure = onPublishFailure;
  }

  /**
   * Publishes the result of {@code prepared}; the returned future completes when the broker took
   * it.
   *
   * @throws RejectedEventException BAD_OUTPUT when the outputs cannot be summarised or encoded
   */
  Future<Void> publish(PreparedEvent prepared, Outputs outputs, ModelRun run)
      throws RejectedEventException {
    SensorEvent event = prepared.event();
    InferenceResult.Builder result =
        InferenceResult.newBuilder()
            .setDeviceId(event.getDeviceId())
            .setStream(event.getStream())
            .setSequence(event.getSequence())
            .setEventTimestampUs(event.getTimestampUs())
            .setPipeline(config.name())
            .setModelName(config.model().name())
            .setModelVersion(run.modelVersion());
    post.apply(outputs, result);
    if (config.result().includeOutputs() && !(post instanceof RawPost)) {
      for (String name : outputs.names()) {
        result.addOutputs(ResultTensors.toProto(name, outputs.get(name)));
      }
    }
    long triggerUs = event.getIngestTimestampUs() - event.getTimestampUs();
    long responseUs = (System.nanoTime() - run.endNanos()) / 1000;
    long publishedAtUs = nowMicros();
    long totalUs = publishedAtUs - event.getTimestampUs();
    LatencyBreakdown.Builder latency =
        LatencyBreakdown.newBuilder()
            .setTriggerUs(triggerUs)
            .setQueueUs(prepared.queueUs())
            .setEdgeInferUs(run.edgeInferUs())
            .setResponseUs(responseUs)
            .setTotalUs(totalUs);
    run.networkUs().ifPresent(latency::setNetworkUs);
    run.cloudInferUs().ifPresent(latency::setCloudInferUs);
    result.setLatency(latency).setPublishedAtUs(publishedAtUs);
    byte[] payload = encode(result.build());
    String topic = topics.result(config.name(), event.getDeviceId());
    metrics.stage("trigger", triggerUs);
    metrics.stage("total", totalUs);
    long publishStart = System.nanoTime();
    String contentType =
        config.result().format() == ResultFormat.PROTOBUF
            ? SensorEventDecoder.PROTOBUF_CONTENT_TYPE
            : "application/json";
    return sink.publish(topic, payload, config.result().qos(), contentType)
        .onSuccess(
            v -> {
              metrics.published();
              metrics.stage("response", responseUs + (System.nanoTime() - publishStart) / 1000);
            })
        .onFailure(e -> onPublishFailure.accept(event.getDeviceId(), e));
  }

  private byte[] encode(InferenceResult result) throws RejectedEventException {
    if (config.result().format() == ResultFormat.PROTOBUF) {
      return result.toByteArray();
    }
    try {
      return json.encode(result);
    } catch (ProtocolException e) {
      throw new RejectedEventException(RejectedEventException.BAD_OUTPUT, e.getMessage(), e);
    }
  }

  private static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }
}
