package io.isthmus.console.rollout;

/** The history of every decision: who or what decided, about which rollout, and why. */
public interface AuditLog {
  /**
   * Records one decision.
   *
   * @param rolloutId the rollout it concerns, or null
   * @param actor a token name, or {@code engine} for the rollout engine's own decisions
   * @param action a short stable word such as {@code wave-started} or {@code halted}
   * @param detail what happened and why, for people
   */
  void record(Long rolloutId, String actor, String action, String detail);
}
