package io.isthmus.protocol.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerMetadataCodecTest {
  @Test
  void roundTripsNameVersionExtensionsAndParameters() throws ProtocolException {
    ServerMetadata metadata =
        new ServerMetadata(
            "isthmus",
            "0.1.0",
            List.of(ServerMetadata.BINARY_TENSOR_DATA),
            OipParameters.of("execution_provider", "CPU"));

    byte[] json = OipMetadataCodec.encodeServer(metadata);

    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"name\":\"isthmus\",\"version\":\"0.1.0\",\"extensions\":[\"binary_tensor_data\"],"
                + "\"parameters\":{\"execution_provider\":\"CPU\"}}");
    assertThat(OipMetadataCodec.decodeServer(json)).isEqualTo(metadata);
  }

  @Test
  void decodesTheSpecificationExampleWithoutParameters() throws ProtocolException {
    byte[] json =
        "{\"name\":\"triton\",\"version\":\"2.40.0\",\"extensions\":[\"classification\"]}"
            .getBytes(StandardCharsets.UTF_8);

    ServerMetadata metadata = OipMetadataCodec.decodeServer(json);

    assertThat(metadata.extensions()).containsExactly("classification");
    assertThat(metadata.parameters().isEmpty()).isTrue();
  }

  @Test
  void rejectsAMissingVersionNamingTheField() {
    byte[] json = "{\"name\":\"x\",\"extensions\":[]}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> OipMetadataCodec.decodeServer(json))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("version");
  }
}
