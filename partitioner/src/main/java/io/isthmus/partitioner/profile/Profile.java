package io.isthmus.partitioner.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.isthmus.partitioner.graph.NodeIds;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-node latency of one model on one device, as {@code partition profile} writes it.
 *
 * @param device the device's name, e.g. {@code pi4}
 * @param model the model's file name
 * @param modelSha256 the sha256 of the model file, hex, so a plan can refuse a profile of another
 *     model
 * @param runs how many measured runs each node time aggregates (warm-up runs excluded)
 * @param warmupRuns the runs before the measured ones, not counted
 * @param threads ONNX Runtime's intra-op threads
 * @param graphOptimization the optimisation level the model ran at ({@code basic} or {@code none})
 * @param aggregate how the node times aggregate the runs; always {@code median}
 * @param derivedFrom null for a measured profile; else the device whose profile this one was
 *     computed from
 * @param speedFactor null for a measured profile; else how many times faster than {@code
 *     derivedFrom} this device is taken to be
 * @param nodes every node of the model by node id (see {@link NodeIds}), in graph order
 * @param inputBytes the bytes of each model input at the shape it was profiled with
 * @param unattributedMs kernel time the runtime reported under names that are no node of the model
 *     (nodes it created while optimising), median per run
 * @param totalMs the sum of the node times
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Profile(
    String device,
    String model,
    String modelSha256,
    int runs,
    int warmupRuns,
    int threads,
    String graphOptimization,
    String aggregate,
    String derivedFrom,
    Double speedFactor,
    Map<String, NodeProfile> nodes,
    Map<String, Long> inputBytes,
    double unattributedMs,
    double totalMs) {
  public Profile {
    if (device == null || device.isBlank()) {
      throw new IllegalArgumentException("A profile needs a device name");
    }
    if (nodes == null || nodes.isEmpty()) {
      throw new IllegalArgumentException("Profile of device " + device + " has no nodes");
    }
    if (speedFactor != null && !(speedFactor > 0 && Double.isFinite(speedFactor))) {
      throw new IllegalArgumentException(
          "Speed factor must be a finite number > 0, got " + speedFactor);
    }
    nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
    inputBytes =
        inputBytes == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(inputBytes));
  }

  /** Whether this profile was computed from another device's instead of measured. */
  public boolean derived() {
    return derivedFrom != null;
  }

  /** The sum of the times of {@code nodes}. */
  static double sumMs(Map<String, NodeProfile> nodes) {
    return nodes.values().stream().mapToDouble(NodeProfile::ms).sum();
  }
}
