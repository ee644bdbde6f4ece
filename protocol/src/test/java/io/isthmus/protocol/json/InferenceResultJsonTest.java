package io.isthmus.protocol.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.isthmus.protocol.v1.DataType;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.protocol.v1.LabelScore;
import io.isthmus.protocol.v1.LatencyBreakdown;
import io.isthmus.protocol.v1.ResultSummary;
import io.isthmus.protocol.v1.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InferenceResultJsonTest {
  private final InferenceResultJson json = InferenceResultJson.defaults();

  private static InferenceResult offloadedResult() {
    ByteBuffer scores =
        ByteBuffer.allocate(8)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putFloat(0.75f)
            .putFloat(0.25f)
            .flip();
    return InferenceResult.newBuilder()
        .setDeviceId("pump-7")
        .setStream("accel")
        .setSequence(42)
        .setEventTimestampUs(1_700_000_000_123_000L)
        .setPipeline("vibration")
        .setModelName("anomaly")
        .setModelVersion("3")
        .addOutputs(
            Tensor.newBuilder()
                .setName("scores")
                .setDtype(DataType.FP32)
                .addShape(1)
                .addShape(2)
                .setRawData(ByteString.copyFrom(scores)))
        .setSummary(
            ResultSummary.newBuilder()
                .setLabel("normal")
                .setScore(0.75)
                .setAnomalyScore(0.25)
                .addTopK(LabelScore.newBuilder().setLabel("normal").setScore(0.75).setIndex(0))
                .addTopK(LabelScore.newBuilder().setLabel("worn").setScore(0.25).setIndex(1)))
        .setLatency(
            LatencyBreakdown.newBuilder()
                .setTriggerUs(2100)
                .setQueueUs(50)
                .setLoadUs(120_000)
                .setEdgeInferUs(1300)
                .setNetworkUs(8_250)
                .setCloudInferUs(3_001)
                .setResponseUs(200)
                .setTotalUs(131_900))
        .setPublishedAtUs(1_700_000_000_255_900L)
        .build();
  }

  @Test
  void encodesLatencyInFloatingMillisecondsAndTsInMilliseconds() throws Exception {
    String text = new String(json.encode(offloadedResult()), StandardCharsets.UTF_8);

    assertThat(text)
        .isEqualTo(
            "{\"deviceId\":\"pump-7\",\"stream\":\"accel\",\"seq\":42,\"ts\":1700000000123,"
                + "\"pipeline\":\"vibration\",\"model\":\"anomaly\",\"modelVersion\":\"3\","
                + "\"summary\":{\"label\":\"normal\",\"score\":0.75,\"anomalyScore\":0.25,"
                + "\"topK\":[{\"label\":\"normal\",\"score\":0.75,\"index\":0},"
                + "{\"label\":\"worn\",\"score\":0.25,\"index\":1}]},"
                + "\"outputs\":[{\"name\":\"scores\",\"datatype\":\"FP32\",\"shape\":[1,2],"
                + "\"data\":[0.75,0.25]}],"
                + "\"latencyMs\":{\"trigger\":2.1,\"queue\":0.05,\"load\":120.0,\"edgeInfer\":1.3,"
                + "\"network\":8.25,\"cloudInfer\":3.001,\"response\":0.2,\"total\":131.9},"
                + "\"publishedAt\":1700000000255.9}");
  }

  @Test
  void roundTripsExactly() throws Exception {
    InferenceResult result = offloadedResult();

    assertThat(json.decode(json.encode(result))).isEqualTo(result);
  }

  @Test
  void carriesTheIdempotencyKeyOnlyWhenSet() throws Exception {
    InferenceResult keyed = offloadedResult().toBuilder().setIdempotencyKey("gw-1:42").build();

    assertThat(new String(json.encode(keyed), StandardCharsets.UTF_8))
        .contains("\"idempotencyKey\":\"gw-1:42\"");
    assertThat(json.decode(json.encode(keyed)).getIdempotencyKey()).isEqualTo("gw-1:42");
    assertThat(new String(json.encode(offloadedResult()), StandardCharsets.UTF_8))
        .doesNotContain("idempotencyKey");
  }

  @Test
  void aFailedEdgeOnlyResultLeavesAbsentStagesOut() throws Exception {
    InferenceResult failed =
        InferenceResult.newBuilder()
            .setDeviceId("d")
            .setStream("s")
            .setSequence(7)
            .setEventTimestampUs(5_000)
            .setPipeline("p")
            .setError("model not loaded")
            .setLatency(LatencyBreakdown.newBuilder().setTriggerUs(1).setTotalUs(9))
            .build();

    String text = new String(json.encode(failed), StandardCharsets.UTF_8);

    assertThat(text)
        .isEqualTo(
            "{\"deviceId\":\"d\",\"stream\":\"s\",\"seq\":7,\"ts\":5,"
                + "\"pipeline\":\"p\",\"model\":\"\",\"modelVersion\":\"\",\"error\":\"model not loaded\","
                + "\"latencyMs\":{\"trigger\":0.001,\"queue\":0.0,\"edgeInfer\":0.0,\"response\":0.0,"
                + "\"total\":0.009},\"publishedAt\":0}");
    InferenceResult decoded = json.decode(text.getBytes(StandardCharsets.UTF_8));
    assertThat(decoded).isEqualTo(failed);
    assertThat(decoded.getLatency().hasNetworkUs()).isFalse();
  }

  @Test
  void badResultsNameTheField() {
    assertThatThrownBy(
            () ->
                json.decode(
                    "{\"deviceId\":\"d\",\"seq\":1,\"ts\":1}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("MISSING_FIELD: field 'pipeline' is required but missing");
    assertThatThrownBy(
            () ->
                json.decode(
                    ("{\"deviceId\":\"d\",\"seq\":1,\"ts\":1,\"pipeline\":\"p\","
                            + "\"outputs\":[{\"name\":\"o\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[1]}]}")
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessage("SHAPE_MISMATCH: field 'outputs[0].data' has 1 elements but the shape needs 2");
    assertThatThrownBy(
            () ->
                json.decode(
                    ("{\"deviceId\":\"d\",\"seq\":1,\"ts\":1,\"pipeline\":\"p\","
                            + "\"latencyMs\":{\"total\":\"fast\"}}")
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessage("WRONG_TYPE: field 'latencyMs.total' must be a number, got \"fast\"");
    assertThatThrownBy(() -> InferenceResultJson.withMaxPayloadBytes(8).decode(new byte[9]))
        .hasMessage("PAYLOAD_TOO_LARGE: result has 9 bytes, more than the limit of 8");
  }
}
