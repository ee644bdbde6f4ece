package io.isthmus.sim.fleet;

import java.util.Map;

/**
 * What one simulated gateway is: its id and labels, its own healthy run figures, and whether it is
 * faulty (for the versions the {@link FaultPlan} matches), stuck (never acts on a desired state) or
 * goes silent (its last will fires).
 */
record GatewayProfile(
    int index,
    String id,
    Map<String, String> labels,
    double p50Ms,
    double p95Ms,
    double errorRate,
    boolean faulty,
    boolean stuck,
    boolean silent) {}
