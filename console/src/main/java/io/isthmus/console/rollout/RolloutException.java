package io.isthmus.console.rollout;

/** A request the rollout engine refuses; {@link #status()} is the HTTP status that fits. */
public final class RolloutException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public RolloutException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** 400 (bad request), 404 (no such rollout or version) or 409 (not in a state that allows it). */
  public int status() {
    return status;
  }
}
