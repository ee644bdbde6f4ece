package io.isthmus.inference;

import java.util.Objects;

/**
 * The one exception the inference API throws when a caller has to react: every instance carries a
 * {@link Code} saying what went wrong and, where another exception caused it, that cause.
 */
public final class InferenceException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, coarse enough to branch on. */
  public enum Code {
    /** An input tensor has an unknown name, is missing, or has the wrong data type or shape. */
    INVALID_INPUT,
    /** The bytes are not a model this engine can read (truncated, corrupted, another format). */
    MODEL_INVALID,
    /** The model uses an operator the engine does not have (e.g. a MediaPipe or Edge TPU op). */
    UNSUPPORTED_OPERATOR,
    /** The engine has no native library for this operating system and CPU architecture. */
    UNSUPPORTED_PLATFORM,
    /** A requested execution provider is missing and the options forbid falling back to CPU. */
    PROVIDER_UNAVAILABLE,
    /** The native engine failed for another reason; the cause says which. */
    ENGINE_FAILURE
  }

  private final Code code;

  public InferenceException(Code code, String message) {
    this(code, message, null);
  }

  public InferenceException(Code code, String message, Throwable cause) {
    super(Objects.requireNonNull(code, "code") + ": " + message, cause);
    this.code = code;
  }

  /** What went wrong. */
  public Code code() {
    return code;
  }
}
