package io.isthmus.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.ProtocolException.Reason;
import io.isthmus.protocol.mqtt.MqttTopics;
import io.isthmus.protocol.mqtt.SensorTopic;
import io.isthmus.protocol.v1.MediaPayload;
import io.isthmus.protocol.v1.NamedFields;
import io.isthmus.protocol.v1.NumericSeries;
import io.isthmus.protocol.v1.SensorEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SensorEventJsonTest {
  private final SensorEventJson json = SensorEventJson.defaults();
  private final SensorTopic topic =
      MqttTopics.defaults().parseSensor("sensors/pump-7/accel").orElseThrow();

  @Test
  void theDesignExampleTakesIdsFromTheTopicAndTsInMilliseconds() throws Exception {
    SensorEvent event = decode("{\"ts\": 1700000000123, \"seq\": 42, \"values\": [0.1, 0.2]}");

    assertThat(event)
        .isEqualTo(
            SensorEvent.newBuilder()
                .setDeviceId("pump-7")
                .setStream("accel")
                .setTimestampUs(1_700_000_000_123_000L)
                .setSequence(42)
                .setSeries(NumericSeries.newBuilder().addValues(0.1).addValues(0.2))
                .build());
  }

  @Test
  void namedFieldsAndMediaPayloads() throws Exception {
    SensorEvent fields =
        decode("{\"ts\": 1700000000000, \"fields\": {\"temp\": 21.5, \"rh\": 40}}");
    SensorEvent media =
        decode(
            "{\"ts\": 1700000000000.5, \"mediaType\": \"image/jpeg\", \"data\": \"/9j/\\n4A==\"}");

    assertThat(fields.getFields().getValuesMap())
        .containsOnly(java.util.Map.entry("temp", 21.5), java.util.Map.entry("rh", 40.0));
    assertThat(fields.getSequence()).isZero();
    assertThat(media.getTimestampUs()).isEqualTo(1_700_000_000_000_500L);
    assertThat(media.getMedia().getMediaType()).isEqualTo("image/jpeg");
    assertThat(media.getMedia().getData().toByteArray()).containsExactly(0xff, 0xd8, 0xff, 0xe0);
  }

  @Test
  void everyPayloadRoundTripsIncludingMicrosecondsAndUnsignedSequence() throws Exception {
    SensorEvent.Builder base =
        SensorEvent.newBuilder()
            .setDeviceId("cam-1")
            .setStream("front")
            .setTimestampUs(1_700_000_000_123_456L)
            .setSequence(-1L) // 2^64 - 1
            .setIngestTimestampUs(1_700_000_000_130_000L);
    SensorEvent series =
        base.clone()
            .setSeries(
                NumericSeries.newBuilder()
                    .addValues(1.5)
                    .addValues(-2.25)
                    .addValues(0)
                    .addValues(1e-300)
                    .setSampleRateHz(100)
                    .setChannels(2))
            .build();
    SensorEvent fields =
        base.clone().setFields(NamedFields.newBuilder().putValues("t", -3.5)).build();
    SensorEvent media =
        base.clone()
            .setMedia(
                MediaPayload.newBuilder()
                    .setMediaType("audio/pcm;rate=16000")
                    .setData(ByteString.copyFrom(new byte[] {0, 1, -1})))
            .build();

    assertThat(new String(json.encode(series), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"deviceId\":\"cam-1\",\"stream\":\"front\",\"ts\":1700000000123.456,"
                + "\"seq\":18446744073709551615,\"ingestTs\":1700000000130,"
                + "\"values\":[1.5,-2.25,0.0,1.0E-300],\"sampleRateHz\":100.0,\"channels\":2}");
    for (SensorEvent event : java.util.List.of(series, fields, media)) {
      assertThat(json.decode(json.encode(event), null, null)).isEqualTo(event);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          not json        | {"ts": 1,                               | MALFORMED
          nan literal     | {"ts": 1, "values": [NaN]}              | MALFORMED
          array           | [1,2]                                   | MALFORMED
          no ts           | {"values": [1]}                         | MISSING_FIELD
          no payload      | {"ts": 1}                               | MISSING_FIELD
          media no data   | {"ts": 1, "mediaType": "image/png"}     | MISSING_FIELD
          ts string       | {"ts": "now", "values": [1]}            | WRONG_TYPE
          value string    | {"ts": 1, "values": [1, "2"]}           | WRONG_TYPE
          fields bool     | {"ts": 1, "fields": {"on": true}}       | WRONG_TYPE
          overflow        | {"ts": 1, "values": [1e999]}            | INVALID_VALUE
          two payloads    | {"ts": 1, "values": [1], "fields": {}}  | INVALID_VALUE
          bad base64      | {"ts": 1, "mediaType": "a/b", "data": "@@"} | INVALID_VALUE
          negative seq    | {"ts": 1, "seq": -1, "values": [1]}     | INVALID_VALUE
          channels        | {"ts": 1, "values": [1,2,3], "channels": 2} | INVALID_VALUE
          other device    | {"ts": 1, "deviceId": "x", "values": [1]} | INVALID_VALUE
          ts overflow     | {"ts": 9223372036854775807, "values": [1]} | INVALID_VALUE
          """)
  void badPayloadsFailWithAReason(String what, String payload, Reason reason) {
    assertThatThrownBy(() -> decode(payload))
        .isInstanceOf(ProtocolException.class)
        .extracting(e -> ((ProtocolException) e).reason())
        .isEqualTo(reason);
  }

  @Test
  void messagesNameTheFieldAndWhatWasExpected() {
    assertThatThrownBy(() -> decode("{\"ts\": 1, \"values\": [1, \"2\"]}"))
        .hasMessage("WRONG_TYPE: field 'values[1]' must be a number, got \"2\"");
    assertThatThrownBy(() -> decode("{\"values\": [1]}"))
        .hasMessage("MISSING_FIELD: field 'ts' is required but missing");
    assertThatThrownBy(() -> decode("{\"ts\": 1, \"deviceId\": \"x\", \"values\": [1]}"))
        .hasMessage("INVALID_VALUE: field 'deviceId' is 'x' but the topic says 'pump-7'");
    assertThatThrownBy(() -> json.decode(bytes("{\"ts\": 1, \"values\": [1]}"), null, "s"))
        .hasMessage("MISSING_FIELD: field 'deviceId' is required when the topic does not give it");
    assertThatThrownBy(
            () -> json.decode(bytes("{\"ts\":1,\"deviceId\":\"a/b\",\"values\":[1]}"), null, "s"))
        .hasMessageStartingWith("INVALID_VALUE: deviceId must be one non-empty MQTT topic level");
    assertThatThrownBy(() -> decode("{\"ts\": 1, \"values\": [1e999]}"))
        .hasMessage("INVALID_VALUE: field 'values[0]' must be a finite number, got Infinity");
  }

  @Test
  void payloadsOverTheLimitAreRejectedBeforeParsing() throws Exception {
    SensorEventJson small = SensorEventJson.withMaxPayloadBytes(32);
    byte[] payload = bytes("{\"ts\": 1, \"values\": [1, 2, 3, 4, 5, 6]}");

    assertThatThrownBy(() -> small.decode(payload, topic))
        .hasMessage("PAYLOAD_TOO_LARGE: sensor event has 39 bytes, more than the limit of 32")
        .isInstanceOf(ProtocolException.class);
    assertThat(
            SensorEventJson.withMaxPayloadBytes(39)
                .decode(payload, topic)
                .getSeries()
                .getValuesCount())
        .isEqualTo(6);
    assertThatThrownBy(() -> SensorEventJson.withMaxPayloadBytes(0))
        .hasMessage("maxPayloadBytes must be positive, got 0");
  }

  @Test
  void encodingRejectsWhatJsonCannotCarry() {
    SensorEvent nan =
        SensorEvent.newBuilder()
            .setDeviceId("d")
            .setStream("s")
            .setSeries(NumericSeries.newBuilder().addValues(Double.NaN))
            .build();

    assertThatThrownBy(() -> json.encode(nan))
        .hasMessage("INVALID_VALUE: 'values[0]' is NaN, which JSON cannot represent");
    assertThatThrownBy(() -> json.encode(SensorEvent.newBuilder().setDeviceId("d").build()))
        .hasMessage("MISSING_FIELD: sensor event from 'd' has no payload to encode");
  }

  private SensorEvent decode(String payload) throws ProtocolException {
    return json.decode(bytes(payload), topic);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
