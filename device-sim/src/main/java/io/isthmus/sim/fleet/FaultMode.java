package io.isthmus.sim.fleet;

/** How a faulty gateway misbehaves with a model version its {@link FaultPlan} matches. */
public enum FaultMode {
  /** Refuses to activate the version: {@code FAILED} with {@code load_failed}. */
  LOAD,
  /** Activates it and reports a high share of failed runs. */
  ERRORS,
  /** Activates it and reports a high p95 run time. */
  LATENCY
}
