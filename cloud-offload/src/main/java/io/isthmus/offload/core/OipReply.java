package io.isthmus.offload.core;

import io.isthmus.protocol.oip.OipBody;
import io.isthmus.protocol.oip.OipCodec;
import java.util.Map;
import java.util.Objects;

/**
 * A transport-neutral HTTP reply of the function: status, body, content type and extra headers
 * (e.g. {@code Inference-Header-Content-Length}, {@code Retry-After}). The Vert.x server and the
 * Lambda adapter both turn it into their own response.
 *
 * @param status the HTTP status
 * @param body the body bytes (not copied)
 * @param contentType the Content-Type
 * @param headers further headers, possibly empty
 */
public record OipReply(int status, byte[] body, String contentType, Map<String, String> headers) {
  private static final OipCodec CODEC = OipCodec.defaults();

  public OipReply {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(contentType, "contentType");
    headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
  }

  /** A 200 reply with a JSON body. */
  public static OipReply json(byte[] body) {
    return new OipReply(200, body, OipBody.JSON_CONTENT_TYPE, Map.of());
  }

  /** A reply with an encoded OIP body, binary or JSON. */
  public static OipReply of(OipBody body) {
    Map<String, String> headers =
        body.isBinary()
            ? Map.of(
                OipBody.HEADER_CONTENT_LENGTH, Integer.toString(body.headerLength().getAsInt()))
            : Map.of();
    return new OipReply(200, body.body(), body.contentType(), headers);
  }

  /** The protocol's error object {@code {"error": message}} with {@code status}. */
  public static OipReply error(int status, String message) {
    return error(status, message, Map.of());
  }

  /** An error reply with extra headers such as {@code Retry-After}. */
  public static OipReply error(int status, String message, Map<String, String> headers) {
    return new OipReply(status, CODEC.encodeError(message), OipBody.JSON_CONTENT_TYPE, headers);
  }

  /** The error reply for {@code e}; 429 carries {@code Retry-After}. */
  public static OipReply error(OffloadException e) {
    Map<String, String> headers =
        e.status() == 429
            ? Map.of("Retry-After", "1")
            : e.status() == 401 ? Map.of("WWW-Authenticate", "Bearer") : Map.of();
    return error(e.status(), e.getMessage(), headers);
  }
}
