/**
 * The fleet simulator: many lightweight gateways in one JVM that speak the fleet contract of the
 * real agent (desired state in, package download and verification, reported state and events out)
 * without running any model, so a console's rollouts can be exercised at the scale of a fleet.
 * Entry points: {@link io.isthmus.sim.fleet.FleetSimulation} configured by {@link
 * io.isthmus.sim.fleet.FleetOptions}.
 */
package io.isthmus.sim.fleet;
