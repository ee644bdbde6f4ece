package io.isthmus.protocol.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.ProtocolException.Reason;
import io.isthmus.protocol.internal.JsonFields;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.protocol.v1.LatencyBreakdown;
import java.math.BigInteger;
import java.util.Optional;

/**
 * The friendly JSON form of an {@link InferenceResult}, as published for dashboards and Node-RED:
 *
 * <pre>{@code
 * {"deviceId": "pump-7", "stream": "accel", "seq": 42, "ts": 1700000000123,
 *  "pipeline": "vibration", "model": "anomaly", "modelVersion": "3",
 *  "summary": {"label": "normal", "score": 0.97, "anomalyScore": 0.03,
 *              "topK": [{"label": "normal", "score": 0.97, "index": 0}]},
 *  "outputs": [{"name": "scores", "datatype": "FP32", "shape": [1, 2], "data": [0.97, 0.03]}],
 *  "latencyMs": {"trigger": 2.1, "queue": 0.05, "edgeInfer": 1.3, "response": 0.2, "total": 3.65},
 *  "publishedAt": 1700000000126.65}
 * }</pre>
 *
 * <p>{@code ts} (the event's device timestamp) and {@code publishedAt} are milliseconds since the
 * epoch; {@code latencyMs} fields are floating milliseconds, and stages that did not happen ({@code
 * load}, {@code network}, {@code cloudInfer}) are left out. A failed inference carries {@code
 * "error"}, and one that went through the gateway's outbox its {@code "idempotencyKey"} ({@code
 * "gatewayId:sequence"}). Tensor {@code data} is a flat row-major array as in the Open Inference
 * Protocol. Immutable and thread-safe.
 */
public final class InferenceResultJson {
  /** The default largest JSON payload {@link #decode} accepts, in bytes. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

  private static final InferenceResultJson DEFAULTS =
      new InferenceResultJson(DEFAULT_MAX_PAYLOAD_BYTES);

  private final int maxPayloadBytes;

  private InferenceResultJson(int maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /** The mapping with {@link #DEFAULT_MAX_PAYLOAD_BYTES}. */
  public static InferenceResultJson defaults() {
    return DEFAULTS;
  }

  /**
   * @throws IllegalArgumentException if {@code maxPayloadBytes} is not positive
   */
  public static InferenceResultJson withMaxPayloadBytes(int maxPayloadBytes) {
    if (maxPayloadBytes <= 0) {
      throw new IllegalArgumentException(
          "maxPayloadBytes must be positive, got " + maxPayloadBytes);
    }
    return new InferenceResultJson(maxPayloadBytes);
  }

  /**
   * Encodes {@code result}.
   *
   * @throws ProtocolException INVALID_VALUE if a score or output holds NaN/infinity or an output
   *     has an unknown dtype or BYTES that are not UTF-8 (JSON cannot carry them)
   */
  public byte[] encode(InferenceResult result) throws ProtocolException {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("deviceId", result.getDeviceId());
    root.put("stream", result.getStream());
    root.put("seq", new BigInteger(Long.toUnsignedString(result.getSequence())));
    EpochMillis.put(root, "ts", result.getEventTimestampUs());
    root.put("pipeline", result.getPipeline());
    root.put("model", result.getModelName());
    root.put("modelVersion", result.getModelVersion());
    if (result.hasSummary()) {
      root.set("summary", ResultParts.writeSummary(result.getSummary()));
    }
    if (result.getOutputsCount() > 0) {
      ArrayNode outputs = root.putArray("outputs");
      for (int i = 0; i < result.getOutputsCount(); i++) {
        outputs.add(ResultParts.writeTensor(result.getOutputs(i), "outputs[" + i + "]"));
      }
    }
    if (result.hasError()) {
      root.put("error", result.getError());
    }
    root.set("latencyMs", writeLatency(result.getLatency()));
    EpochMillis.put(root, "publishedAt", result.getPublishedAtUs());
    if (result.hasIdempotencyKey()) {
      root.put("idempotencyKey", result.getIdempotencyKey());
    }
    return JsonFields.write(root);
  }

  /**
   * Decodes what {@link #encode} writes. Required: deviceId, seq, ts, pipeline.
   *
   * @throws ProtocolException PAYLOAD_TOO_LARGE, MALFORMED, MISSING_FIELD, WRONG_TYPE,
   *     UNKNOWN_DATATYPE, SHAPE_MISMATCH or INVALID_VALUE, naming the field
   */
  public InferenceResult decode(byte[] json) throws ProtocolException {
    if (json.length > maxPayloadBytes) {
      throw new ProtocolException(
          Reason.PAYLOAD_TOO_LARGE,
          "result has " + json.length + " bytes, more than the limit of " + maxPayloadBytes);
    }
    ObjectNode root = JsonFields.parseObject(json, 0, json.length, "inference result");
    InferenceResult.Builder result =
        InferenceResult.newBuilder()
            .setDeviceId(JsonFields.requiredText(root, "", "deviceId"))
            .setStream(JsonFields.optionalText(root, "", "stream").orElse(""))
            .setSequence(unsigned(JsonFields.required(root, "", "seq"), "seq"))
            .setEventTimestampUs(EpochMillis.read(JsonFields.required(root, "", "ts"), "ts"))
            .setPipeline(JsonFields.requiredText(root, "", "pipeline"))
            .setModelName(JsonFields.optionalText(root, "", "model").orElse(""))
            .setModelVersion(JsonFields.optionalText(root, "", "modelVersion").orElse(""));
    Optional<JsonNode> summary = JsonFields.optional(root, "summary");
    if (summary.isPresent()) {
      result.setSummary(ResultParts.readSummary(summary.get(), "summary"));
    }
    Optional<JsonNode> outputs = JsonFields.optional(root, "outputs");
    if (outputs.isPresent()) {
      ArrayNode array = JsonFields.array(outputs.get(), "outputs");
      for (int i = 0; i < array.size(); i++) {
        result.addOutputs(ResultParts.readTensor(array.get(i), "outputs[" + i + "]"));
      }
    }
    JsonFields.optionalText(root, "", "error").ifPresent(result::setError);
    Optional<JsonNode> latency = JsonFields.optional(root, "latencyMs");
    if (latency.isPresent()) {
      result.setLatency(readLatency(JsonFields.object(latency.get(), "latencyMs")));
    }
    Optional<JsonNode> published = JsonFields.optional(root, "publishedAt");
    if (published.isPresent()) {
      result.setPublishedAtUs(EpochMillis.read(published.get(), "publishedAt"));
    }
    JsonFields.optionalText(root, "", "idempotencyKey").ifPresent(result::setIdempotencyKey);
    return result.build();
  }

  private static ObjectNode writeLatency(LatencyBreakdown latency) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    EpochMillis.putDuration(node, "trigger", latency.getTriggerUs());
    EpochMillis.putDuration(node, "queue", latency.getQueueUs());
    if (latency.hasLoadUs()) {
      EpochMillis.putDuration(node, "load", latency.getLoadUs());
    }
    EpochMillis.putDuration(node, "edgeInfer", latency.getEdgeInferUs());
    if (latency.hasNetworkUs()) {
      EpochMillis.putDuration(node, "network", latency.getNetworkUs());
    }
    if (latency.hasCloudInferUs()) {
      EpochMillis.putDuration(node, "cloudInfer", latency.getCloudInferUs());
    }
    EpochMillis.putDuration(node, "response", latency.getResponseUs());
    EpochMillis.putDuration(node, "total", latency.getTotalUs());
    return node;
  }

  private static LatencyBreakdown readLatency(ObjectNode node) throws ProtocolException {
    LatencyBreakdown.Builder latency = LatencyBreakdown.newBuilder();
    latency.setTriggerUs(duration(node, "trigger").orElse(0L));
    latency.setQueueUs(duration(node, "queue").orElse(0L));
    duration(node, "load").ifPresent(latency::setLoadUs);
    latency.setEdgeInferUs(duration(node, "edgeInfer").orElse(0L));
    duration(node, "network").ifPresent(latency::setNetworkUs);
    duration(node, "cloudInfer").ifPresent(latency::setCloudInferUs);
    latency.setResponseUs(duration(node, "response").orElse(0L));
    latency.setTotalUs(duration(node, "total").orElse(0L));
    return latency.build();
  }

  private static Optional<Long> duration(ObjectNode node, String field) throws ProtocolException {
    Optional<JsonNode> value = JsonFields.optional(node, field);
    return value.isEmpty()
        ? Optional.empty()
        : Optional.of(EpochMillis.readDuration(value.get(), "latencyMs." + field));
  }

  static long unsigned(JsonNode node, String path) throws ProtocolException {
    if (!node.isNumber() || !node.canConvertToExactIntegral()) {
      throw JsonFields.wrongType(path, "a non-negative integer", node);
    }
    BigInteger value = node.bigIntegerValue();
    if (value.signum() < 0 || value.bitLength() > 64) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "field '" + path + "' must be an unsigned 64-bit integer, got " + value);
    }
    return value.longValue();
  }
}
