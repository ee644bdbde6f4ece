package io.isthmus.console.rollout;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** Where rollouts and their targets are kept, so a restarted console continues them. */
public interface RolloutStore {
  /** Stores a new rollout and returns its id. */
  long create(RolloutSpec spec, Instant createdAt);

  /** Stores the rollout's state, wave and reason. */
  void save(Rollout rollout);

  /** Stores (inserts or replaces) these targets of the rollout. */
  void saveTargets(long rolloutId, Collection<RolloutTarget> targets);

  /** Every rollout with its targets. */
  List<Rollout> loadAll();
}
