package io.isthmus.agent.pipeline;

import java.util.OptionalLong;

/**
 * What one model run (for a batch of events) tells each event's result besides its outputs.
 *
 * @param modelVersion the version that produced the outputs
 * @param edgeInferUs engine time on the gateway, less any wait on the cloud
 * @param networkUs the offload round trip, when the tail ran in the cloud
 * @param cloudInferUs the cloud's own inference time, when it reported one
 * @param endNanos {@link System#nanoTime()} when the run ended
 */
record ModelRun(
    String modelVersion,
    long edgeInferUs,
    OptionalLong networkUs,
    OptionalLong cloudInferUs,
    long endNanos) {}
