package io.isthmus.protocol;

import java.util.Objects;

/**
 * The one exception this module throws for bad wire data (JSON, OIP bodies): every instance carries
 * a {@link Reason} to branch on, a message naming the field and what was expected, and the
 * underlying cause where there is one (e.g. Jackson's parse error).
 *
 * <p>Programming errors, such as passing an invalid id to a builder, are {@link
 * IllegalArgumentException}s instead.
 */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the input, coarse enough to map onto an HTTP status or a metric. */
  public enum Reason {
    /** Not parseable at all: not JSON, truncated, a syntax error, a NaN literal. */
    MALFORMED,
    /** A required field is absent (or null). */
    MISSING_FIELD,
    /** A field has the wrong JSON type, e.g. a string where a number was expected. */
    WRONG_TYPE,
    /** A field has the right type but a value out of range or inconsistent with another field. */
    INVALID_VALUE,
    /** The input is larger than the configured limit. */
    PAYLOAD_TOO_LARGE,
    /** An OIP datatype string this codec does not know. */
    UNKNOWN_DATATYPE,
    /** Tensor data does not match its shape and datatype (element or byte count). */
    SHAPE_MISMATCH
  }

  private final Reason reason;

  /** An exception with no underlying cause. */
  public ProtocolException(Reason reason, String message) {
    this(reason, message, null);
  }

  /** An exception caused by {@code cause} (may be null). */
  public ProtocolException(Reason reason, String message, Throwable cause) {
    super(Objects.requireNonNull(reason, "reason") + ": " + message, cause);
    this.reason = reason;
  }

  /** What was wrong with the input. */
  public Reason reason() {
    return reason;
  }
}
