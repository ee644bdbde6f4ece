package io.isthmus.agent.offload;

import io.isthmus.inference.Outputs;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The result of one run of a split model, whichever path produced it.
 *
 * @param outputs the full model's outputs, in its order
 * @param edgeUs engine time on the gateway: the head, plus the full model if it ran
 * @param networkUs the offload's round trip seen from the gateway, when the tail ran in the cloud
 * @param cloudInferUs the cloud's own inference time as it reported it (a part of {@code
 *     networkUs}), when the tail ran in the cloud and the server reported it
 * @param traceId the W3C trace id sent with the offload, when one was sent
 * @param modelVersion the version of the full model that ran on the gateway, when it ran and names
 *     its version (a {@link io.isthmus.agent.model.VersionedModel})
 */
public record SplitRun(
    Outputs outputs,
    long edgeUs,
    OptionalLong networkUs,
    OptionalLong cloudInferUs,
    Optional<String> traceId,
    Optional<String> modelVersion) {}
