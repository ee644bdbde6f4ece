package io.isthmus.protocol.oip;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * An encoded HTTP body and, when it carries binary tensor data, the value for the {@code
 * Inference-Header-Content-Length} header (the length of the JSON part at the start).
 *
 * @param body the whole HTTP body (not copied: do not change it)
 * @param headerLength the JSON header's length in bytes; empty for a pure JSON body
 */
public record OipBody(byte[] body, OptionalInt headerLength) {
  /** The HTTP header that gives the length of the JSON part of a binary body. */
  public static final String HEADER_CONTENT_LENGTH = "Inference-Header-Content-Length";

  /** Content type of a pure JSON body. */
  public static final String JSON_CONTENT_TYPE = "application/json";

  /** Content type of a body with binary tensor data. */
  public static final String BINARY_CONTENT_TYPE = "application/octet-stream";

  /**
   * @throws IllegalArgumentException if the header length is negative or exceeds the body
   */
  public OipBody {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(headerLength, "headerLength");
    if (headerLength.isPresent()
        && (headerLength.getAsInt() < 0 || headerLength.getAsInt() > body.length)) {
      throw new IllegalArgumentException(
          "headerLength "
              + headerLength.getAsInt()
              + " is outside the body of "
              + body.length
              + " bytes");
    }
  }

  /** Whether the body has binary tensor data after the JSON. */
  public boolean isBinary() {
    return headerLength.isPresent();
  }

  /** The Content-Type to send this body with. */
  public String contentType() {
    return isBinary() ? BINARY_CONTENT_TYPE : JSON_CONTENT_TYPE;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof OipBody that
        && Arrays.equals(body, that.body)
        && headerLength.equals(that.headerLength);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(body) + headerLength.hashCode();
  }

  @Override
  public String toString() {
    return "OipBody[" + body.length + " bytes, headerLength=" + headerLength + "]";
  }
}
