package io.isthmus.agent.pipeline;

import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.agent.config.PipelineConfig.Decoder;
import io.isthmus.agent.ingest.InboundMessage;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.json.SensorEventJson;
import io.isthmus.protocol.mqtt.SensorTopic;
import io.isthmus.protocol.v1.SensorEvent;

/**
 * Decodes an MQTT payload into a {@link SensorEvent} as JSON or protobuf (auto: protobuf for a
 * {@code .pb} topic or content type {@code application/x-protobuf}), enforcing the size limit and
 * filling device id and stream from the topic.
 */
public final class SensorEventDecoder {
  public static final String PROTOBUF_CONTENT_TYPE = "application/x-protobuf";

  private final Decoder mode;
  private final int maxPayloadBytes;
  private final SensorEventJson json;

  public SensorEventDecoder(Decoder mode, int maxPayloadBytes) {
    this.mode = mode;
    this.maxPayloadBytes = maxPayloadBytes;
    this.json = SensorEventJson.withMaxPayloadBytes(maxPayloadBytes);
  }

  /**
   * The event of {@code message}, with {@code ingest_timestamp_us} set to its arrival time.
   *
   * @throws RejectedEventException PAYLOAD_TOO_LARGE, MALFORMED_JSON or MALFORMED_PROTOBUF
   */
  public SensorEvent decode(InboundMessage message, SensorTopic topic)
      throws RejectedEventException {
    byte[] payload = message.payload();
    if (payload.length > maxPayloadBytes) {
      throw new RejectedEventException(
          RejectedEventException.PAYLOAD_TOO_LARGE,
          "payload of " + payload.length + " bytes is over the limit of " + maxPayloadBytes);
    }
    SensorEvent event =
        isProtobuf(message, topic) ? protobuf(payload, topic) : json(payload, topic);
    return event.toBuilder().setIngestTimestampUs(message.receivedEpochMicros()).build();
  }

  private boolean isProtobuf(InboundMessage message, SensorTopic topic) {
    return switch (mode) {
      case JSON -> false;
      case PROTOBUF -> true;
      case AUTO ->
          topic.protobuf()
              || message.contentType().map(PROTOBUF_CONTENT_TYPE::equalsIgnoreCase).orElse(false);
    };
  }

  private SensorEvent json(byte[] payload, SensorTopic topic) throws RejectedEventException {
    SensorEvent fast = SeriesJsonFastPath.decode(payload, topic);
    if (fast != null) {
      return fast;
    }
    try {
      return json.decode(payload, topic);
    } catch (ProtocolException e) {
      String reason =
          e.reason() == ProtocolException.Reason.PAYLOAD_TOO_LARGE
              ? RejectedEventException.PAYLOAD_TOO_LARGE
              : RejectedEventException.MALFORMED_JSON;
      throw new RejectedEventException(reason, e.getMessage(), e);
    }
  }

  private static SensorEvent protobuf(byte[] payload, SensorTopic topic)
      throws RejectedEventException {
    SensorEvent event;
    try {
      event = SensorEvent.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new RejectedEventException(
          RejectedEventException.MALFORMED_PROTOBUF, "not a SensorEvent: " + e.getMessage(), e);
    }
    if (!event.getDeviceId().isEmpty() && !event.getDeviceId().equals(topic.deviceId())
        || !event.getStream().isEmpty() && !event.getStream().equals(topic.stream())) {
      throw new RejectedEventException(
          RejectedEventException.MALFORMED_PROTOBUF,
          "event of "
              + event.getDeviceId()
              + "/"
              + event.getStream()
              + " on topic of "
              + topic.deviceId()
              + "/"
              + topic.stream());
    }
    return event.toBuilder().setDeviceId(topic.deviceId()).setStream(topic.stream()).build();
  }
}
