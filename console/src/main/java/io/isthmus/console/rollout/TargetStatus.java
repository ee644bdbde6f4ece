package io.isthmus.console.rollout;

/** Where one gateway is in a rollout. */
public enum TargetStatus {
  /** The desired state names the new version; waiting for the gateway to confirm it. */
  UPDATING,
  /** Serves the new version and passed the health gate. */
  SUCCEEDED,
  /** Refused, rolled back, failed the health gate or timed out (see the reason). */
  FAILED,
  /** Sent back to its previous version when the rollout halted or was aborted. */
  ROLLED_BACK,
  /** Now driven by a rollout of higher priority; not counted. */
  SUPERSEDED;

  /** Whether the gateway's outcome in this rollout is decided. */
  public boolean terminal() {
    return this != UPDATING;
  }
}
