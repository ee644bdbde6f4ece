package io.isthmus.agent.offload;

import io.isthmus.inference.DataType;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.oip.InferenceRequest;
import io.isthmus.protocol.oip.InferenceResponse;
import io.isthmus.protocol.oip.OipBody;
import io.isthmus.protocol.oip.OipCodec;
import io.isthmus.protocol.oip.OipDatatype;
import io.isthmus.protocol.oip.OipParameters;
import io.isthmus.protocol.oip.OipTensor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * An Open Inference Protocol v2 client for one server: sends the cut tensors with the binary tensor
 * data extension and asks for binary outputs, so it works with our function, Triton and KServe.
 * Runs on the JDK's asynchronous HTTP client (its own threads, never a Vert.x event loop).
 */
final class OipRemote {
  private final URI endpoint;
  private final Optional<String> token;
  private final Duration deadline;
  private final HttpClient client;
  private final OipCodec codec = OipCodec.defaults();

  OipRemote(URI endpoint, Optional<String> token, Duration deadline) {
    this.endpoint = endpoint;
    this.token = token;
    this.deadline = deadline;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(deadline)
            .build();
  }

  /**
   * The response parameter in which our function reports its own time for the request, from its
   * model call to the outputs (batching wait included), in microseconds. Other OIP servers leave it
   * out.
   */
  static final String INFER_US_PARAMETER = "isthmus_infer_us";

  /**
   * What the server answered, with the bytes that travelled, the round trip, and the server's own
   * inference time when it reported one.
   */
  record Reply(Outputs outputs, long bytes, long roundTripNanos, OptionalLong serverInferUs) {}

  /** Decoded outputs and the server's reported inference time. */
  private record Decoded(Outputs outputs, OptionalLong serverInferUs) {}

  /**
   * Runs model {@code model} (version {@code version}, else the server's default) on {@code
   * inputs}. The future fails with an {@link OffloadException} whose reason says what went wrong:
   * TIMEOUT past the deadline, CONNECTION, SERVER_ERROR (5xx), THROTTLED (429), BAD_RESPONSE.
   */
  CompletableFuture<Reply> infer(
      String model, Optional<String> version, Map<String, Tensor> inputs, TraceContext trace) {
    OipBody body;
    try {
      body = codec.encodeRequest(request(inputs), true);
    } catch (ProtocolException e) {
      return CompletableFuture.failedFuture(
          new OffloadException(FallbackReason.BAD_RESPONSE, "cannot encode the cut tensors", e));
    }
    String path = "/v2/models/" + model + version.map(v -> "/versions/" + v).orElse("") + "/infer";
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(endpoint + path))
            .timeout(deadline)
            .header("Content-Type", body.contentType())
            .header(OipBody.HEADER_CONTENT_LENGTH, String.valueOf(body.headerLength().getAsInt()))
            .header(TraceContext.HEADER, trace.traceparent())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.body()));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    long start = System.nanoTime();
    return client
        .sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (response, failure) -> {
              if (failure != null) {
                throw new CompletionException(transportFailure(failure));
              }
              long took = System.nanoTime() - start;
              Decoded decoded = decode(response);
              return new Reply(
                  decoded.outputs(),
                  (long) body.body().length + response.body().length,
                  took,
                  decoded.serverInferUs());
            });
  }

  /**
   * Times a readiness GET, which runs no model: the future holds the round trip in nanoseconds, or
   * fails with an {@link OffloadException} like {@link #infer}.
   */
  CompletableFuture<Long> probe() {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(endpoint + "/v2/health/ready"))
            .timeout(deadline)
            .GET()
            .build();
    long start = System.nanoTime();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, failure) -> {
              if (failure != null) {
                throw new CompletionException(transportFailure(failure));
              }
              if (response.statusCode() != 200) {
                throw new CompletionException(statusFailure(response.statusCode(), ""));
              }
              return System.nanoTime() - start;
            });
  }

  private static InferenceRequest request(Map<String, Tensor> inputs) {
    List<OipTensor> tensors = new ArrayList<>();
    for (Map.Entry<String, Tensor> input : inputs.entrySet()) {
      Tensor t = input.getValue();
      tensors.add(OipTensor.of(input.getKey(), datatype(t.dataType()), t.shape(), t.data()));
    }
    return new InferenceRequest(
        Optional.empty(),
        OipParameters.of(OipParameters.BINARY_DATA_OUTPUT, true),
        tensors,
        List.of());
  }

  private Decoded decode(HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      String message;
      try {
        message = codec.decodeError(response.body());
      } catch (ProtocolException e) {
        message = "(no error object)";
      }
      throw new CompletionException(statusFailure(response.statusCode(), message));
    }
    try {
      InferenceResponse decoded =
          codec.decodeResponse(
              response.body(),
              OipCodec.parseHeaderLength(
                  response.headers().firstValue(OipBody.HEADER_CONTENT_LENGTH).orElse(null)));
      Map<String, Tensor> outputs = new LinkedHashMap<>();
      for (OipTensor output : decoded.outputs()) {
        outputs.put(
            output.name(),
            Tensor.ofBytes(dataType(output.datatype()), output.shape(), output.data()));
      }
      return new Decoded(new Outputs(outputs), serverInferUs(decoded));
    } catch (ProtocolException | IllegalArgumentException e) {
      throw new CompletionException(
          new OffloadException(
              FallbackReason.BAD_RESPONSE, "the server's answer does not decode: " + e, e));
    }
  }

  /** The server's own inference time, when it reported a sensible one. */
  private static OptionalLong serverInferUs(InferenceResponse response) {
    Optional<Long> us;
    try {
      us = response.parameters().getLong(INFER_US_PARAMETER);
    } catch (RuntimeException e) {
      return OptionalLong.empty(); // a server that uses the name for something else
    }
    return us.filter(v -> v >= 0).map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  private static OffloadException statusFailure(int status, String message) {
    FallbackReason reason =
        status == 429
            ? FallbackReason.THROTTLED
            : status >= 500 ? FallbackReason.SERVER_ERROR : FallbackReason.BAD_RESPONSE;
    return new OffloadException(reason, "HTTP " + status + " " + message, null);
  }

  private static OffloadException transportFailure(Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause instanceof HttpTimeoutException) {
      return new OffloadException(FallbackReason.TIMEOUT, cause.toString(), cause);
    }
    if (cause instanceof IOException) {
      return new OffloadException(FallbackReason.CONNECTION, cause.toString(), cause);
    }
    return new OffloadException(FallbackReason.BAD_RESPONSE, String.valueOf(cause), cause);
  }

  static OipDatatype datatype(DataType type) {
    return switch (type) {
      case FLOAT32 -> OipDatatype.FP32;
      case FLOAT16 -> OipDatatype.FP16;
      case BFLOAT16 -> OipDatatype.BF16;
      case FLOAT64 -> OipDatatype.FP64;
      case INT8 -> OipDatatype.INT8;
      case UINT8 -> OipDatatype.UINT8;
      case INT16 -> OipDatatype.INT16;
      case INT32 -> OipDatatype.INT32;
      case INT64 -> OipDatatype.INT64;
      case BOOL -> OipDatatype.BOOL;
    };
  }

  static DataType dataType(OipDatatype type) {
    for (DataType candidate : DataType.values()) {
      if (datatype(candidate) == type) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(
        "output datatype " + type + " has no engine type; expected a numeric or BOOL tensor");
  }
}
