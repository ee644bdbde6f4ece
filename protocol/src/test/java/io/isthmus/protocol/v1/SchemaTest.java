package io.isthmus.protocol.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The wire numbers are the contract with other gateways' and the console's builds. */
class SchemaTest {
  @Test
  void sensorEventWireBytesAreStable() throws Exception {
    SensorEvent event =
        SensorEvent.newBuilder()
            .setDeviceId("d")
            .setStream("s")
            .setTimestampUs(1)
            .setSequence(2)
            .setSeries(NumericSeries.newBuilder().addValues(1.0))
            .build();

    byte[] wire = event.toByteArray();

    // 1:"d" 2:"s" 3:1 4:2 10:{1:[1.0 packed]}
    assertThat(HexFormat.of().formatHex(wire))
        .isEqualTo("0a016412017318012002" + "520a" + "0a08000000000000f03f");
    assertThat(SensorEvent.parseFrom(wire)).isEqualTo(event);
    assertThat(event.hasIngestTimestampUs()).isFalse();
  }

  @Test
  void manifestAndFleetStateRoundTrip() throws Exception {
    ModelManifest manifest =
        ModelManifest.newBuilder()
            .setName("anomaly")
            .setVersion("3")
            .setFormat(ModelFormat.ONNX)
            .addFiles(
                ModelFile.newBuilder()
                    .setPath("model.onnx")
                    .setSha256("ab".repeat(32))
                    .setSize(5_000_000))
            .addPlatforms("linux-aarch64")
            .addEngines("onnxruntime")
            .setPartitionPlan(
                PartitionPlanRef.newBuilder()
                    .setPath("plan.json")
                    .setHeadPath("head.onnx")
                    .setTailPath("tail.onnx"))
            .setCreatedAtUs(1_700_000_000_000_000L)
            .build();
    SignedManifest signed =
        SignedManifest.newBuilder()
            .setManifest(manifest.toByteString())
            .setSignature(ByteString.copyFrom(new byte[64]))
            .setKeyId("console-2025")
            .build();
    DesiredState desired =
        DesiredState.newBuilder()
            .setGatewayId("gw-1")
            .setGeneration(9)
            .putPipelines(
                "vibration",
                DesiredModel.newBuilder()
                    .setModelName("anomaly")
                    .setModelVersion("3")
                    .setDownloadUrl("https://console/models/anomaly/3")
                    .setSha256("cd".repeat(32))
                    .build())
            .build();
    ReportedState reported =
        ReportedState.newBuilder()
            .setGatewayId("gw-1")
            .setObservedGeneration(9)
            .setHealth(Health.HEALTH_OK)
            .putPipelines(
                "vibration",
                PipelineStatus.newBuilder()
                    .setModelName("anomaly")
                    .setInstalledVersion("3")
                    .setActiveVersion("2")
                    .setHealth(Health.HEALTH_DEGRADED)
                    .setLastError("warm-up failed")
                    .build())
            .build();

    assertThat(
            ModelManifest.parseFrom(SignedManifest.parseFrom(signed.toByteArray()).getManifest()))
        .isEqualTo(manifest);
    assertThat(
            DesiredState.parseFrom(desired.toByteArray())
                .getPipelinesOrThrow("vibration")
                .getModelVersion())
        .isEqualTo("3");
    assertThat(ReportedState.parseFrom(reported.toByteArray())).isEqualTo(reported);
  }
}
