package io.isthmus.offload.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isthmus.offload.testing.AffineModel;
import io.isthmus.protocol.oip.InferenceResponse;
import io.isthmus.protocol.oip.ModelMetadata;
import io.isthmus.protocol.oip.OipCodec;
import io.isthmus.protocol.oip.OipMetadataCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The Lambda handler invoked with API Gateway and function URL event JSON, as Lambda's runtime
 * would: the handler class's static initialisation loads the model named by ISTHMUS_MODELS.
 */
class OipLambdaHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    // Lambda passes configuration as environment variables; the handler also reads system
    // properties of the same name, which a test can set before the handler class initialises.
    try {
      Path dir = Files.createTempDirectory("isthmus-lambda-test");
      System.setProperty("ISTHMUS_MODELS", "affine=" + AffineModel.write(dir, "affine"));
      System.setProperty("ISTHMUS_CACHE_DIR", dir.resolve("cache").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final OipLambdaHandler handler = new OipLambdaHandler();

  private JsonNode invoke(String sample) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream event = getClass().getResourceAsStream("/lambda/" + sample)) {
      handler.handleRequest(event, out, null);
    }
    return JSON.readTree(out.toByteArray());
  }

  @Test
  void anHttpApiPayloadV2EventRunsInferenceWithJsonBodies() throws Exception {
    JsonNode response = invoke("http-api-v2-infer.json");

    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    assertThat(response.path("isBase64Encoded").asBoolean()).isFalse();
    InferenceResponse decoded =
        OipCodec.defaults()
            .decodeResponse(
                response.path("body").asText().getBytes(StandardCharsets.UTF_8),
                OptionalInt.empty());
    assertThat(decoded.id()).contains("api-1");
    assertThat(decoded.output("y").toFloatArray()).containsExactly(3, 5, 7, 9);
  }

  @Test
  void aFunctionUrlEventWithABase64BinaryBodyGetsABinaryResponse() throws Exception {
    JsonNode response = invoke("function-url-binary-infer.json");

    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    assertThat(response.path("isBase64Encoded").asBoolean()).isTrue();
    int headerLength =
        Integer.parseInt(response.path("headers").path("Inference-Header-Content-Length").asText());
    byte[] body = Base64.getDecoder().decode(response.path("body").asText());
    InferenceResponse decoded =
        OipCodec.defaults().decodeResponse(body, OptionalInt.of(headerLength));
    assertThat(decoded.id()).contains("url-1");
    assertThat(decoded.modelVersion()).contains("1");
    assertThat(decoded.output("y").toFloatArray()).containsExactly(3, 5, 7, 9);
  }

  @Test
  void aRestApiPayloadV1EventGetsModelMetadata() throws Exception {
    JsonNode response = invoke("rest-api-v1-metadata.json");

    assertThat(response.path("statusCode").asInt()).isEqualTo(200);
    ModelMetadata metadata =
        OipMetadataCodec.decode(response.path("body").asText().getBytes(StandardCharsets.UTF_8));
    assertThat(metadata.name()).isEqualTo("affine");
    assertThat(metadata.inputs().get(0).shape()).containsExactly(-1, AffineModel.WIDTH);
  }

  @Test
  void anUnknownModelIs404AndANonHttpEventIs400() throws Exception {
    String event =
        "{\"version\":\"2.0\",\"rawPath\":\"/v2/models/other/ready\","
            + "\"requestContext\":{\"http\":{\"method\":\"GET\"}}}";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
    JsonNode notFound = JSON.readTree(out.toByteArray());
    assertThat(notFound.path("statusCode").asInt()).isEqualTo(404);
    assertThat(notFound.path("body").asText()).contains("Unknown model other");

    JsonNode sqs = invoke("sqs-not-http.json");
    assertThat(sqs.path("statusCode").asInt()).isEqualTo(400);
    assertThat(sqs.path("body").asText()).contains("Not an HTTP event");
  }
}
