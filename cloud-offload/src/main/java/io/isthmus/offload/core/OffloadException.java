package io.isthmus.offload.core;

/**
 * The one exception the offload function throws where a caller must react: it carries the HTTP
 * status the client gets (400 bad request, 401 unauthenticated, 404 unknown model or version, 413
 * too large, 429 over the concurrency limit, 500 engine failure, 503 not ready or draining) and a
 * message that says what was wrong and what to do.
 */
public final class OffloadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;

  public OffloadException(int status, String message) {
    this(status, message, null);
  }

  public OffloadException(int status, String message, Throwable cause) {
    super(message, cause);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be an HTTP error status, was " + status);
    }
    this.status = status;
  }

  /** The HTTP status for the client. */
  public int status() {
    return status;
  }
}
