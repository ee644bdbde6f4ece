/**
 * The rollout engine: {@link io.isthmus.console.rollout.RolloutSpec} (selector, waves, thresholds,
 * health gate, priority), {@link io.isthmus.console.rollout.RolloutEngine} which drives rollouts
 * from the gateways' reports, and the interfaces it needs from the rest of the console ({@link
 * io.isthmus.console.rollout.FleetView}, {@link io.isthmus.console.rollout.ModelCatalog}, {@link
 * io.isthmus.console.rollout.DesiredStateWriter}, {@link io.isthmus.console.rollout.RolloutStore},
 * {@link io.isthmus.console.rollout.AuditLog}), so it can be tested with a fake clock and a fake
 * fleet.
 */
package io.isthmus.console.rollout;
