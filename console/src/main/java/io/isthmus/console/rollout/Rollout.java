package io.isthmus.console.rollout;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A rollout and the gateways it reached. Mutable; owned by the {@link RolloutEngine}'s thread. */
public final class Rollout {
  private final long id;
  private final RolloutSpec spec;
  private final Instant createdAt;
  private final Map<String, RolloutTarget> targets = new LinkedHashMap<>();
  private RolloutState state;
  private int currentWave;
  private String reason;
  private Instant updatedAt;

  public Rollout(
      long id,
      RolloutSpec spec,
      RolloutState state,
      int currentWave,
      String reason,
      Instant createdAt,
      Instant updatedAt) {
    this.id = id;
    this.spec = spec;
    this.state = state;
    this.currentWave = currentWave;
    this.reason = reason;
    this.createdAt = createdAt;
    this.updatedAt = updatedAt;
  }

  public long id() {
    return id;
  }

  public RolloutSpec spec() {
    return spec;
  }

  public RolloutState state() {
    return state;
  }

  /** The wave being worked on, 0-based. */
  public int currentWave() {
    return currentWave;
  }

  /** Why it halted, was aborted or completed; null while running. */
  public String reason() {
    return reason;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  public Collection<RolloutTarget> targets() {
    return Collections.unmodifiableCollection(targets.values());
  }

  public RolloutTarget target(String gatewayId) {
    return targets.get(gatewayId);
  }

  /** Adds a target read back from the store. */
  public void restore(RolloutTarget target) {
    targets.put(target.gatewayId(), target);
  }

  void add(RolloutTarget target) {
    targets.put(target.gatewayId(), target);
  }

  void state(RolloutState state, String reason, Instant at) {
    this.state = state;
    this.reason = reason;
    this.updatedAt = at;
  }

  void nextWave(Instant at) {
    currentWave++;
    updatedAt = at;
  }

  /** Whether this rollout outranks {@code other} for a gateway both select. */
  boolean outranks(Rollout other) {
    if (!spec.priority().equals(other.spec.priority())) {
      return spec.priority() > other.spec.priority();
    }
    return id > other.id;
  }

  long count(TargetStatus status) {
    return targets.values().stream().filter(t -> t.status() == status).count();
  }
}
