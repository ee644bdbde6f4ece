package io.isthmus.console.registry;

/** A registry request refused; {@link #status()} is the HTTP status that fits. */
public final class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public RegistryException(int status, String message) {
    super(message);
    this.status = status;
  }

  public RegistryException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** 400 (bad upload), 404 (unknown model or version) or 409 (version exists). */
  public int status() {
    return status;
  }
}
