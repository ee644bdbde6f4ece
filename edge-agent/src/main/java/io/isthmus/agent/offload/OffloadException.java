package io.isthmus.agent.offload;

/** An offload that failed, with the reason the event falls back to the full model. */
public final class OffloadException extends Exception {
  private final FallbackReason reason;

  public OffloadException(FallbackReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public FallbackReason reason() {
    return reason;
  }
}
