package io.isthmus.offload.simulate;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One simulated function instance: initialising, then warm with up to instanceConcurrency requests.
 */
final class Instance {
  final int id;
  final double readyAt;
  boolean warm;
  boolean provisioned;
  int active;

  /** Requests that arrived while it initialised and will run on it when it is ready. */
  final Deque<Integer> waiting = new ArrayDeque<>();

  /**
   * Bumped whenever the instance stops being idle, so a stale keep-alive expiry can be told apart.
   */
  int idleGeneration;

  Instance(int id, double readyAt, boolean warm, boolean provisioned) {
    this.id = id;
    this.readyAt = readyAt;
    this.warm = warm;
    this.provisioned = provisioned;
  }

  boolean idle() {
    return warm && active == 0;
  }
}
