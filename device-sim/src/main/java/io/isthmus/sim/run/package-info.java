/**
 * The load generator: {@link io.isthmus.sim.run.Simulation#run} publishes simulated events as
 * {@link io.isthmus.sim.run.SimulationConfig} says, correlates results by (device, seq) and returns
 * a {@link io.isthmus.sim.report.SimulationReport}.
 */
package io.isthmus.sim.run;
