package io.isthmus.sim.report;

import java.util.OptionalDouble;

/**
 * Scores of faulty against healthy events, over events whose result carried a score.
 *
 * @param faultyEvents events sent with an injected fault
 * @param healthyEvents events sent without
 * @param faultyScored faulty events whose result had a score
 * @param healthyScored healthy events whose result had a score
 * @param meanScoreFaulty mean score of the scored faulty events
 * @param meanScoreHealthy mean score of the scored healthy events
 */
public record AnomalySummary(
    long faultyEvents,
    long healthyEvents,
    long faultyScored,
    long healthyScored,
    OptionalDouble meanScoreFaulty,
    OptionalDouble meanScoreHealthy) {}
