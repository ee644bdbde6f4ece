package io.isthmus.console.rollout;

import io.isthmus.protocol.v1.PipelineStats;
import java.time.Instant;

/** One gateway reached by a rollout. Mutable; owned by the {@link RolloutEngine}'s thread. */
public final class RolloutTarget {
  private final String gatewayId;
  private final int wave;
  private final String previousVersion;
  private final PipelineStats baseline;
  private long generation;
  private Instant assignedAt;
  private TargetStatus status;
  private Instant finishedAt;
  private String reason;

  /**
   * @param previousVersion the version the gateway served when reached, or null
   * @param baseline the previous version's run figures on this gateway, or null
   */
  public RolloutTarget(
      String gatewayId,
      int wave,
      String previousVersion,
      PipelineStats baseline,
      long generation,
      Instant assignedAt,
      TargetStatus status,
      Instant finishedAt,
      String reason) {
    this.gatewayId = gatewayId;
    this.wave = wave;
    this.previousVersion = previousVersion;
    this.baseline = baseline;
    this.generation = generation;
    this.assignedAt = assignedAt;
    this.status = status;
    this.finishedAt = finishedAt;
    this.reason = reason;
  }

  public String gatewayId() {
    return gatewayId;
  }

  public int wave() {
    return wave;
  }

  public String previousVersion() {
    return previousVersion;
  }

  public PipelineStats baseline() {
    return baseline;
  }

  /** The desired-state generation that named the rollout's version for this gateway. */
  public long generation() {
    return generation;
  }

  public Instant assignedAt() {
    return assignedAt;
  }

  public TargetStatus status() {
    return status;
  }

  public Instant finishedAt() {
    return finishedAt;
  }

  public String reason() {
    return reason;
  }

  void finish(TargetStatus status, Instant at, String reason) {
    this.status = status;
    this.finishedAt = at;
    this.reason = reason;
  }

  void reassigned(long generation, Instant at) {
    this.generation = generation;
    this.assignedAt = at;
  }
}
