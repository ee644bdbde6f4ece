/**
 * The run's report: {@link io.isthmus.sim.report.SimulationReport} (counts, latency, stage means,
 * anomaly scores, per-event {@link io.isthmus.sim.report.EventOutcome}s), its JSON, CSV and SVG,
 * and the exact {@link io.isthmus.sim.report.LatencyRecorder}.
 */
package io.isthmus.sim.report;
