package io.isthmus.offload.testing;

import io.isthmus.protocol.oip.InferenceRequest;
import io.isthmus.protocol.oip.InferenceResponse;
import io.isthmus.protocol.oip.OipBody;
import io.isthmus.protocol.oip.OipCodec;
import io.isthmus.protocol.oip.OipParameters;
import io.isthmus.protocol.oip.OipTensor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/** A plain java.net.http client for the tests: posts OIP bodies, decodes replies. */
public final class OipClient {
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private volatile String token;

  public OipClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** Sends {@code Authorization: Bearer token} from now on. */
  public OipClient withToken(String bearer) {
    this.token = bearer;
    return this;
  }

  public HttpResponse<byte[]> get(String path) throws Exception {
    return http.send(builder(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<String> getText(String path) throws Exception {
    return http.send(builder(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Posts raw bytes as JSON. */
  public HttpResponse<byte[]> post(String path, byte[] body) throws Exception {
    return postAsync(path, new OipBody(body, OptionalInt.empty())).get();
  }

  /** Posts an encoded body with its header length when binary. */
  public CompletableFuture<HttpResponse<byte[]>> postAsync(String path, OipBody body) {
    HttpRequest.Builder request =
        builder(path)
            .header("Content-Type", body.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.body()));
    body.headerLength()
        .ifPresent(n -> request.header(OipBody.HEADER_CONTENT_LENGTH, Integer.toString(n)));
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** An FP32 request for input {@code x} with {@code rows} rows, binary or JSON. */
  public static OipBody affineRequest(float[] values, boolean binary) throws Exception {
    OipTensor x =
        OipTensor.ofFloats(
            "x", new long[] {values.length / AffineModel.WIDTH, AffineModel.WIDTH}, values);
    InferenceRequest request =
        new InferenceRequest(
            Optional.of("req"),
            binary
                ? OipParameters.of(OipParameters.BINARY_DATA_OUTPUT, true)
                : OipParameters.empty(),
            List.of(x),
            List.of());
    return OipCodec.defaults().encodeRequest(request, binary);
  }

  /** Decodes an inference response, binary or JSON. */
  public static InferenceResponse decode(HttpResponse<byte[]> response) throws Exception {
    OptionalInt headerLength =
        OipCodec.parseHeaderLength(
            response.headers().firstValue(OipBody.HEADER_CONTENT_LENGTH).orElse(null));
    return OipCodec.defaults().decodeResponse(response.body(), headerLength);
  }

  /** The error message of an error reply. */
  public static String error(HttpResponse<byte[]> response) throws Exception {
    return OipCodec.defaults().decodeError(response.body());
  }

  private HttpRequest.Builder builder(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }
}
