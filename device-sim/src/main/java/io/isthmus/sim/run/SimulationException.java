package io.isthmus.sim.run;

/** A run could not start or finish: the broker refused the connection or went away. */
public final class SimulationException extends Exception {
  private static final long serialVersionUID = 1L;

  public SimulationException(String message, Throwable cause) {
    super(message, cause);
  }
}
