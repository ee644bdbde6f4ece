package io.isthmus.agent.pipeline;

/**
 * One event the pipeline cannot serve. The {@link #reason()} is a stable metric label ({@code
 * malformed_json}, {@code wrong_shape}, ...); the agent counts it and serves on.
 */
public final class RejectedEventException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The JSON payload does not parse or misses a required field. */
  public static final String MALFORMED_JSON = "malformed_json";

  /** The protobuf payload does not parse. */
  public static final String MALFORMED_PROTOBUF = "malformed_protobuf";

  /** The payload is over the pipeline's size limit. */
  public static final String PAYLOAD_TOO_LARGE = "payload_too_large";

  /** The event carries the wrong kind of payload for the first stage (series, fields, media). */
  public static final String WRONG_PAYLOAD = "wrong_payload";

  /** The event's data does not fit the expected shape (window size, field set, sample count). */
  public static final String WRONG_SHAPE = "wrong_shape";

  /** The media bytes are not a decodable image. */
  public static final String BAD_IMAGE = "bad_image";

  /** The device is not on the pipeline's allow-list. */
  public static final String UNKNOWN_DEVICE = "unknown_device";

  /** The engine failed on the event. */
  public static final String ENGINE_FAILURE = "engine_failure";

  /** The result could not be built or encoded (e.g. a NaN output). */
  public static final String BAD_OUTPUT = "bad_output";

  private final String reason;

  public RejectedEventException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public RejectedEventException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
