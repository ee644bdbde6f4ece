package io.isthmus.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.protocol.json.SensorEventJson;
import io.isthmus.protocol.mqtt.SensorTopic;
import io.isthmus.protocol.v1.SensorEvent;
import io.isthmus.sim.profile.VibrationProfile;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path gives the full decoder's event, or steps aside. */
class SeriesJsonFastPathTest {
  private static final SensorTopic TOPIC = new SensorTopic("pump-1", "accel", false);
  private final SensorEventJson full = SensorEventJson.defaults();

  @Test
  void simulatedWindowsDecodeToTheFullDecodersEvent() throws Exception {
    var source = VibrationProfile.defaults().newSource("pump-1", 3);
    for (int i = 0; i < 20; i++) {
      // microsecond timestamps travel as fractional milliseconds
      SensorEvent sent = source.next(i, 1_700_000_000_123_456L + i * 1001L).event();
      byte[] payload = full.encode(sent);

      SensorEvent fast = SeriesJsonFastPath.decode(payload, TOPIC);

      assertThat(fast).isNotNull().isEqualTo(full.decode(payload, TOPIC));
      assertThat(fast.getSeries().getValuesList()).isEqualTo(sent.getSeries().getValuesList());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"ts\": 5, \"seq\": 7, \"values\": [1, 2.5, -3e2, 4], \"channels\": 2,"
            + " \"sampleRateHz\": 100}",
        "{\"values\": [], \"ts\": 0}",
        "{\"ts\": 1700000000123.4565, \"values\": [1]}",
        "{\"ts\": 2.0005e3, \"values\": [1]}",
        "{\"deviceId\": \"pump-1\", \"stream\": \"accel\", \"ts\": 1, \"values\": [0.1]}",
      })
  void takenFormsMatchTheFullDecoder(String json) throws Exception {
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    assertThat(SeriesJsonFastPath.decode(payload, TOPIC))
        .isNotNull()
        .isEqualTo(full.decode(payload, TOPIC));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"ts\": 5, \"values\": [1], \"ingestTs\": 3}", // another key
        "{\"ts\": 5, \"values\": [1], \"ts\": 6}", // repeated key
        "{\"ts\": 5, \"values\": [1, \"x\"]}", // not a number
        "{\"ts\": 5, \"values\": [1e999]}", // not finite
        "{\"ts\": 5, \"values\": [1, 2, 3], \"channels\": 2}", // not whole frames
        "{\"ts\": 5, \"values\": [1], \"deviceId\": \"pump-2\"}", // not the topic's device
        "{\"ts\": 5, \"seq\": -1, \"values\": [1]}", // negative seq
        "{\"ts\": 5, \"seq\": 18446744073709551615, \"values\": [1]}", // unsigned above 2^63
        "{\"values\": [1]}", // no ts
        "{\"ts\": 5, \"fields\": {\"t\": 1}}", // another payload form
        "{\"ts\": 5, \"values\": [1]", // broken JSON
        "[1, 2]",
      })
  void otherFormsAreLeftToTheFullDecoder(String json) {
    assertThat(SeriesJsonFastPath.decode(json.getBytes(StandardCharsets.UTF_8), TOPIC)).isNull();
  }
}
