package io.isthmus.offload.scaling.actuate;

/**
 * A platform refused, or could not be asked, to change provisioned concurrency; the cause is
 * attached.
 */
public final class ActuationException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String target;

  /** An error applying a value to {@code target}. */
  public ActuationException(String target, String message, Throwable cause) {
    super(target + ": " + message, cause);
    this.target = target;
  }

  /** The actuator's target ({@link ConcurrencyActuator#target()}). */
  public String target() {
    return target;
  }
}
