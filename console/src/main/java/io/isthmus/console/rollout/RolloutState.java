package io.isthmus.console.rollout;

/** Where a rollout is in its life. */
public enum RolloutState {
  /** Reaching gateways wave by wave. */
  RUNNING,
  /** Reaches no further gateways; those already reached are still judged. */
  PAUSED,
  /** Stopped by its own thresholds (see the reason); perhaps rolled back. */
  HALTED,
  /** Stopped by an operator. */
  ABORTED,
  /** Every wave done; gateways that join later and match the selector still get the version. */
  COMPLETED;

  /** Whether the rollout still owns the gateways it selects. */
  public boolean active() {
    return this == RUNNING || this == PAUSED;
  }
}
