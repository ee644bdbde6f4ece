package io.isthmus.offload.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.offload.batch.BatchingOptions;
import io.isthmus.offload.core.InferenceService;
import io.isthmus.offload.core.OffloadOptions;
import io.isthmus.offload.model.ModelSource;
import io.isthmus.offload.testing.AffineModel;
import io.isthmus.offload.testing.OipClient;
import io.isthmus.offload.testing.RunningFunction;
import io.isthmus.protocol.oip.InferenceResponse;
import io.isthmus.protocol.oip.ModelMetadata;
import io.isthmus.protocol.oip.OipBody;
import io.isthmus.protocol.oip.OipMetadataCodec;
import io.isthmus.protocol.oip.OipTensor;
import io.isthmus.protocol.oip.ServerMetadata;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Open Inference Protocol over real HTTP, on small models whose outputs are exact. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OipServerIT {
  @TempDir static Path dir;
  private static RunningFunction server;
  private static OipClient client;

  @BeforeAll
  static void start() throws Exception {
    Path affine = AffineModel.write(dir, "affine");
    Path fixed = AffineModel.write(dir, "fixed", false);
    Path scaled = AffineModel.write(dir, "scaled-v2", true, 3, -1);
    OffloadOptions options =
        OffloadOptions.of(
                List.of(
                    ModelSource.parse("affine=" + affine),
                    ModelSource.parse("fixed=" + fixed),
                    ModelSource.parse("scaled@1=" + affine),
                    ModelSource.parse("scaled@2=" + scaled)),
                dir.resolve("cache"))
            .withBatching(new BatchingOptions(64, Duration.ofMillis(20), Optional.empty(), 1))
            .withMaxBodyBytes(64 * 1024);
    server = RunningFunction.start(options);
    client = server.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static float[] values(int rows, float base) {
    float[] values = new float[rows * AffineModel.WIDTH];
    for (int i = 0; i < values.length; i++) {
      values[i] = base + i * 0.5f;
    }
    return values;
  }

  private static float[] affine(float[] x, float scale, float offset) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = scale * x[i] + offset;
    }
    return y;
  }

  @Test
  void healthAndMetadataDescribeTheServerAndItsModels() throws Exception {
    assertThat(client.getText("/v2/health/live").body()).isEqualTo("{\"live\":true}");
    assertThat(client.getText("/v2/health/ready").statusCode()).isEqualTo(200);

    ServerMetadata meta = OipMetadataCodec.decodeServer(client.get("/v2").body());
    assertThat(meta.extensions()).contains(ServerMetadata.BINARY_TENSOR_DATA);
    assertThat(meta.parameters().get("execution_provider")).contains("CPU");

    ModelMetadata model = OipMetadataCodec.decode(client.get("/v2/models/affine").body());
    assertThat(model.platform()).isEqualTo("onnxruntime_onnx");
    assertThat(model.inputs().get(0).name()).isEqualTo("x");
    assertThat(model.inputs().get(0).shape()).containsExactly(-1, AffineModel.WIDTH);
    ModelMetadata scaled =
        OipMetadataCodec.decode(client.get("/v2/models/scaled/versions/1").body());
    assertThat(scaled.versions()).containsExactly("1", "2");

    assertThat(client.get("/v2/models/affine/ready").statusCode()).isEqualTo(200);
    assertThat(client.get("/v2/models/scaled/versions/2/ready").statusCode()).isEqualTo(200);
    assertThat(client.get("/v2/models/nope/ready").statusCode()).isEqualTo(404);
  }

  @Test
  void jsonRequestGetsExactJsonOutputsAndItsId() throws Exception {
    float[] x = values(3, -1);

    long start = System.nanoTime();
    HttpResponse<byte[]> response =
        client.postAsync("/v2/models/affine/infer", OipClient.affineRequest(x, false)).get();
    long roundTripUs = (System.nanoTime() - start) / 1000;

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue(OipBody.HEADER_CONTENT_LENGTH)).isEmpty();
    InferenceResponse decoded = OipClient.decode(response);
    assertThat(decoded.id()).contains("req");
    assertThat(decoded.modelVersion()).contains("1");
    // the function's own time is a part of the round trip the caller saw
    assertThat(decoded.parameters().getLong(InferenceService.INFER_US_PARAMETER))
        .hasValueSatisfying(us -> assertThat(us).isBetween(0L, roundTripUs));
    OipTensor y = decoded.output("y");
    assertThat(y.shape()).containsExactly(3, AffineModel.WIDTH);
    assertThat(y.toFloatArray()).containsExactly(affine(x, 2, 1));
  }

  @Test
  void binaryRequestGetsBinaryOutputs() throws Exception {
    float[] x = values(2, 7);

    HttpResponse<byte[]> response =
        client.postAsync("/v2/models/affine/infer", OipClient.affineRequest(x, true)).get();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).contains(OipBody.BINARY_CONTENT_TYPE);
    int headerLength =
        Integer.parseInt(
            response.headers().firstValue(OipBody.HEADER_CONTENT_LENGTH).orElseThrow());
    String header = new String(response.body(), 0, headerLength, StandardCharsets.UTF_8);
    assertThat(header).contains("\"binary_data_size\":32").doesNotContain("\"data\"");
    assertThat(header).contains("\"" + InferenceService.INFER_US_PARAMETER + "\":");
    assertThat(OipClient.decode(response).output("y").toFloatArray())
        .containsExactly(affine(x, 2, 1));
  }

  @Test
  void versionsAreAddressableAndTheHighestIsTheDefault() throws Exception {
    float[] x = values(1, 2);

    InferenceResponse v1 =
        OipClient.decode(
            client
                .postAsync("/v2/models/scaled/versions/1/infer", OipClient.affineRequest(x, false))
                .get());
    InferenceResponse latest =
        OipClient.decode(
            client.postAsync("/v2/models/scaled/infer", OipClient.affineRequest(x, false)).get());

    assertThat(v1.output("y").toFloatArray()).containsExactly(affine(x, 2, 1));
    assertThat(latest.modelVersion()).contains("2");
    assertThat(latest.output("y").toFloatArray()).containsExactly(affine(x, 3, -1));
  }

  @Test
  void curlDrivesTheServerWithJsonAndBinaryBodies() throws Exception {
    String url = "http://127.0.0.1:" + server.port() + "/v2/models/affine/infer";
    String json =
        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}";

    List<String> jsonReply =
        curl("-X", "POST", "-H", "Content-Type: application/json", "--data-binary", json, url);

    assertThat(jsonReply.get(1)).isEqualTo("200");
    assertThat(jsonReply.get(0)).contains("\"data\":[3.0,5.0,7.0,9.0]");

    OipBody binary = OipClient.affineRequest(new float[] {0, 1, 2, 3}, true);
    Path body = dir.resolve("binary-request.bin");
    Files.write(body, binary.body());
    List<String> binaryReply =
        curl(
            "-X",
            "POST",
            "-H",
            "Content-Type: application/octet-stream",
            "-H",
            OipBody.HEADER_CONTENT_LENGTH + ": " + binary.headerLength().getAsInt(),
            "--data-binary",
            "@" + body,
            "-D",
            "-",
            url);
    assertThat(binaryReply.get(1)).isEqualTo("200");
    assertThat(binaryReply.get(0).toLowerCase()).contains("inference-header-content-length:");
  }

  /** Runs curl; returns [body (with headers when -D -), status code]. */
  private static List<String> curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-s", "-w", "\n%{http_code}"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    int split = out.lastIndexOf('\n');
    return List.of(out.substring(0, split), out.substring(split + 1).trim());
  }

  @Test
  void badRequestsGetTheDocumentedStatusAndTheServerKeepsServing() throws Exception {
    String path = "/v2/models/affine/infer";
    assertError(
        client.post(path, "{\"inputs\": [".getBytes(StandardCharsets.UTF_8)), 400, "MALFORMED");
    assertError(
        client.post(path, request("x", "FP32", "[1,3]", "[1,2,3]")), 400, "has shape [1, 3]");
    assertError(
        client.post(path, request("x", "FP64", "[1,4]", "[1,2,3,4]")),
        400,
        "has datatype FP64, expected FP32");
    assertError(
        client.post(path, request("z", "FP32", "[1,4]", "[1,2,3,4]")),
        400,
        "Unknown input name z, expected one of [x]");
    assertError(client.post(path, request("x", "FP32", "[1,4]", "[1,2,3]")), 400, "SHAPE_MISMATCH");
    assertError(
        client.post("/v2/models/unknown/infer", request("x", "FP32", "[1,4]", "[1,2,3,4]")),
        404,
        "Unknown model unknown, expected one of [affine, fixed, scaled]");
    assertError(
        client.post(
            "/v2/models/affine/versions/9/infer", request("x", "FP32", "[1,4]", "[1,2,3,4]")),
        404,
        "Unknown version 9 of model affine");
    assertError(client.post(path, new byte[100 * 1024]), 413, "limit of 65536");

    HttpResponse<byte[]> good = client.post(path, request("x", "FP32", "[1,4]", "[0,0,0,0]"));
    assertThat(good.statusCode()).isEqualTo(200);
    assertThat(OipClient.decode(good).output("y").toFloatArray()).containsExactly(1, 1, 1, 1);
    assertThat(server.metric("isthmus_offload_errors_total{status=\"400\""))
        .isGreaterThanOrEqualTo(5);
    assertThat(server.metric("isthmus_offload_errors_total{status=\"413\""))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void sixtyFourConcurrentCallersEachGetTheirOwnRowsFromSharedBatches() throws Exception {
    String count = "isthmus_offload_batch_size_count{model=\"affine\"";
    String sum = "isthmus_offload_batch_size_sum{model=\"affine\"";
    double runsBefore = server.metric(count);
    double rowsBefore = server.metric(sum);
    List<float[]> inputs = new ArrayList<>();
    List<CompletableFuture<HttpResponse<byte[]>>> replies = new ArrayList<>();

    for (int caller = 0; caller < 64; caller++) {
      float[] x = values(1, caller * 10);
      inputs.add(x);
      replies.add(
          client.postAsync("/v2/models/affine/infer", OipClient.affineRequest(x, caller % 2 == 0)));
    }

    for (int caller = 0; caller < 64; caller++) {
      HttpResponse<byte[]> reply = replies.get(caller).get(60, TimeUnit.SECONDS);
      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(OipClient.decode(reply).output("y").toFloatArray())
          .as("caller %d", caller)
          .containsExactly(affine(inputs.get(caller), 2, 1));
    }
    double runs = server.metric(count) - runsBefore;
    double rows = server.metric(sum) - rowsBefore;
    assertThat(rows).isEqualTo(64);
    assertThat(runs).as("model runs for 64 rows").isLessThan(64);
    assertThat(server.metric("isthmus_offload_batch_size_max{model=\"affine\"")).isGreaterThan(1);
  }

  @Test
  void aModelWithAFixedFirstDimensionServesRequestsOneByOne() throws Exception {
    float[] x = values(1, 3);
    List<CompletableFuture<HttpResponse<byte[]>>> replies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      replies.add(client.postAsync("/v2/models/fixed/infer", OipClient.affineRequest(x, false)));
    }
    for (CompletableFuture<HttpResponse<byte[]>> reply : replies) {
      assertThat(OipClient.decode(reply.get()).output("y").toFloatArray())
          .containsExactly(affine(x, 2, 1));
    }
    assertThat(server.metric("isthmus_offload_batch_size_max{model=\"fixed\"")).isEqualTo(1);
  }

  private static byte[] request(String name, String datatype, String shape, String data) {
    return ("{\"inputs\":[{\"name\":\""
            + name
            + "\",\"datatype\":\""
            + datatype
            + "\",\"shape\":"
            + shape
            + ",\"data\":"
            + data
            + "}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static void assertError(HttpResponse<byte[]> response, int status, String message)
      throws Exception {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(OipClient.error(response)).contains(message);
  }
}
