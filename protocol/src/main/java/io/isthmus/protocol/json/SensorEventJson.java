package io.isthmus.protocol.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.ProtocolException.Reason;
import io.isthmus.protocol.internal.JsonFields;
import io.isthmus.protocol.mqtt.SensorTopic;
import io.isthmus.protocol.v1.MediaPayload;
import io.isthmus.protocol.v1.NamedFields;
import io.isthmus.protocol.v1.NumericSeries;
import io.isthmus.protocol.v1.SensorEvent;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The friendly JSON form of a {@link SensorEvent}, for mosquitto_pub and Node-RED:
 *
 * <pre>{@code
 * {"deviceId": "pump-7", "stream": "accel", "ts": 1700000000123, "seq": 42,
 *  "values": [0.1, 0.2, 0.3], "sampleRateHz": 100, "channels": 3}
 * {"ts": 1700000000123, "fields": {"temp": 21.5}}
 * {"ts": 1700000000123, "mediaType": "image/jpeg", "data": "<base64>"}
 * }</pre>
 *
 * <p>{@code ts} is milliseconds since the Unix epoch by the device clock (a fraction carries
 * microseconds) and maps to {@code timestamp_us = ts * 1000}; {@code ingestTs} likewise. {@code ts}
 * is required; {@code seq} defaults to 0; {@code deviceId} and {@code stream} may be left out when
 * the topic gives them. Exactly one payload: {@code values}, {@code fields} or {@code mediaType}
 * with base64 {@code data}. Unknown fields are ignored. Immutable, thread-safe.
 */
public final class SensorEventJson {
  /** The default largest JSON payload accepted, in bytes. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

  private static final SensorEventJson DEFAULTS = new SensorEventJson(DEFAULT_MAX_PAYLOAD_BYTES);

  private static final Base64.Decoder BASE64 = Base64.getDecoder();
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final int maxPayloadBytes;

  private SensorEventJson(int maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /** The mapping with {@link #DEFAULT_MAX_PAYLOAD_BYTES}. */
  public static SensorEventJson defaults() {
    return DEFAULTS;
  }

  /**
   * @throws IllegalArgumentException if {@code maxPayloadBytes} is not positive
   */
  public static SensorEventJson withMaxPayloadBytes(int maxPayloadBytes) {
    if (maxPayloadBytes <= 0) {
      throw new IllegalArgumentException(
          "maxPayloadBytes must be positive, got " + maxPayloadBytes);
    }
    return new SensorEventJson(maxPayloadBytes);
  }

  /** Decodes a payload received on {@code topic}, which supplies deviceId and stream if absent. */
  public SensorEvent decode(byte[] json, SensorTopic topic) throws ProtocolException {
    return decode(json, topic.deviceId(), topic.stream());
  }

  /**
   * Decodes a payload; {@code topicDeviceId} and {@code topicStream} (null if unknown) fill in
   * absent body fields.
   *
   * @throws ProtocolException PAYLOAD_TOO_LARGE over the limit; MALFORMED for broken JSON or a NaN
   *     literal; MISSING_FIELD for no {@code ts}, no payload or no deviceId/stream anywhere;
   *     WRONG_TYPE; INVALID_VALUE for a non-finite or out-of-range number, bad base64, more than
   *     one payload, an invalid id, or a body id that differs from the topic's
   */
  public SensorEvent decode(byte[] json, String topicDeviceId, String topicStream)
      throws ProtocolException {
    if (json.length > maxPayloadBytes) {
      throw new ProtocolException(
          Reason.PAYLOAD_TOO_LARGE,
          "sensor event has " + json.length + " bytes, more than the limit of " + maxPayloadBytes);
    }
    ObjectNode root = JsonFields.parseObject(json, 0, json.length, "sensor event");
    String deviceId = id(root, "deviceId", topicDeviceId);
    String stream = id(root, "stream", topicStream);
    try {
      new SensorTopic(deviceId, stream, false); // validates both as topic levels
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(Reason.INVALID_VALUE, e.getMessage(), e);
    }
    SensorEvent.Builder event =
        SensorEvent.newBuilder()
            .setDeviceId(deviceId)
            .setStream(stream)
            .setTimestampUs(EpochMillis.read(JsonFields.required(root, "", "ts"), "ts"))
            .setSequence(sequence(root));
    Optional<JsonNode> ingest = JsonFields.optional(root, "ingestTs");
    if (ingest.isPresent()) {
      event.setIngestTimestampUs(EpochMillis.read(ingest.get(), "ingestTs"));
    }
    boolean series = root.has("values");
    boolean fields = root.has("fields");
    boolean media = root.has("mediaType") || root.has("data");
    int payloads = (series ? 1 : 0) + (fields ? 1 : 0) + (media ? 1 : 0);
    if (payloads == 0) {
      throw new ProtocolException(
          Reason.MISSING_FIELD,
          "sensor event needs a payload: one of 'values', 'fields' or 'mediaType' with 'data'");
    }
    if (payloads > 1) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "sensor event has more than one payload; expected only one of 'values', 'fields' or"
              + " 'mediaType' with 'data'");
    }
    if (series) {
      event.setSeries(readSeries(root));
    } else if (fields) {
      event.setFields(readFields(root));
    } else {
      event.setMedia(readMedia(root));
    }
    return event.build();
  }

  /**
   * Encodes {@code event} in the form {@link #decode} reads, with deviceId and stream included.
   *
   * @throws ProtocolException MISSING_FIELD if it has no payload, INVALID_VALUE if a value is NaN
   *     or infinite (JSON cannot carry them)
   */
  public byte[] encode(SensorEvent event) throws ProtocolException {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("deviceId", event.getDeviceId());
    root.put("stream", event.getStream());
    EpochMillis.put(root, "ts", event.getTimestampUs());
    root.put("seq", new BigInteger(Long.toUnsignedString(event.getSequence())));
    if (event.hasIngestTimestampUs()) {
      EpochMillis.put(root, "ingestTs", event.getIngestTimestampUs());
    }
    switch (event.getPayloadCase()) {
      case SERIES -> {
        NumericSeries series = event.getSeries();
        ArrayNode values = root.putArray("values");
        for (int i = 0; i < series.getValuesCount(); i++) {
          values.add(finite(series.getValues(i), "values[" + i + "]"));
        }
        if (series.hasSampleRateHz()) {
          root.put("sampleRateHz", finite(series.getSampleRateHz(), "sampleRateHz"));
        }
        if (series.hasChannels()) {
          root.put("channels", Integer.toUnsignedLong(series.getChannels()));
        }
      }
      case FIELDS -> {
        ObjectNode fields = root.putObject("fields");
        for (Map.Entry<String, Double> field : event.getFields().getValuesMap().entrySet()) {
          fields.put(field.getKey(), finite(field.getValue(), "fields." + field.getKey()));
        }
      }
      case MEDIA -> {
        root.put("mediaType", event.getMedia().getMediaType());
        root.put(
            "data", Base64.getEncoder().encodeToString(event.getMedia().getData().toByteArray()));
      }
      case PAYLOAD_NOT_SET ->
          throw new ProtocolException(
              Reason.MISSING_FIELD,
              "sensor event from '" + event.getDeviceId() + "' has no payload to encode");
    }
    return JsonFields.write(root);
  }

  private static String id(ObjectNode root, String field, String fromTopic)
      throws ProtocolException {
    Optional<String> body = JsonFields.optionalText(root, "", field);
    if (body.isPresent() && fromTopic != null && !body.get().equals(fromTopic)) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "field '" + field + "' is '" + body.get() + "' but the topic says '" + fromTopic + "'");
    }
    String id = body.orElse(fromTopic);
    if (id == null) {
      throw new ProtocolException(
          Reason.MISSING_FIELD,
          "field '" + field + "' is required when the topic does not give it");
    }
    return id;
  }

  private static long sequence(ObjectNode root) throws ProtocolException {
    Optional<JsonNode> node = JsonFields.optional(root, "seq");
    if (node.isEmpty()) {
      return 0;
    }
    if (!node.get().isNumber() || !node.get().canConvertToExactIntegral()) {
      throw JsonFields.wrongType("seq", "a non-negative integer", node.get());
    }
    BigInteger value = node.get().bigIntegerValue();
    if (value.signum() < 0 || value.bitLength() > 64) {
      throw new ProtocolException(
          Reason.INVALID_VALUE, "field 'seq' must be an unsigned 64-bit integer, got " + value);
    }
    return value.longValue();
  }

  private static NumericSeries readSeries(ObjectNode root) throws ProtocolException {
    ArrayNode values = JsonFields.array(root.get("values"), "values");
    NumericSeries.Builder series = NumericSeries.newBuilder();
    for (int i = 0; i < values.size(); i++) {
      series.addValues(JsonFields.finiteNumber(values.get(i), "values[" + i + "]"));
    }
    Optional<JsonNode> rate = JsonFields.optional(root, "sampleRateHz");
    if (rate.isPresent()) {
      double hz = JsonFields.finiteNumber(rate.get(), "sampleRateHz");
      if (hz <= 0) {
        throw new ProtocolException(
            Reason.INVALID_VALUE, "field 'sampleRateHz' must be positive, got " + hz);
      }
      series.setSampleRateHz(hz);
    }
    Optional<JsonNode> channelNode = JsonFields.optional(root, "channels");
    if (channelNode.isPresent()) {
      long channels = JsonFields.integer(channelNode.get(), "channels");
      if (channels < 1 || channels > Integer.MAX_VALUE || values.size() % channels != 0) {
        throw new ProtocolException(
            Reason.INVALID_VALUE,
            "field 'channels' must be a positive"
                + " divisor of the "
                + values.size()
                + " values, got "
                + channels);
      }
      series.setChannels((int) channels);
    }
    return series.build();
  }

  private static NamedFields readFields(ObjectNode root) throws ProtocolException {
    ObjectNode fields = JsonFields.object(root.get("fields"), "fields");
    NamedFields.Builder named = NamedFields.newBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      named.putValues(
          field.getKey(), JsonFields.finiteNumber(field.getValue(), "fields." + field.getKey()));
    }
    return named.build();
  }

  private static MediaPayload readMedia(ObjectNode root) throws ProtocolException {
    String mediaType = JsonFields.requiredText(root, "", "mediaType");
    if (mediaType.isBlank()) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "field 'mediaType' must be a media type such as image/jpeg, got an empty string");
    }
    String data = JsonFields.requiredText(root, "", "data");
    try {
      return MediaPayload.newBuilder()
          .setMediaType(mediaType)
          .setData(ByteString.copyFrom(BASE64.decode(WHITESPACE.matcher(data).replaceAll(""))))
          .build();
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "field 'data' must be base64 (RFC 4648, whitespace ignored): " + e.getMessage(),
          e);
    }
  }

  private static double finite(double value, String path) throws ProtocolException {
    if (!Double.isFinite(value)) {
      throw new ProtocolException(
          Reason.INVALID_VALUE, "'" + path + "' is " + value + ", which JSON cannot represent");
    }
    return value;
  }
}
