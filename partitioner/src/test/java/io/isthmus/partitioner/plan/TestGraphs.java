package io.isthmus.partitioner.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small cost graphs written out by hand in tests. */
final class TestGraphs {
  private final List<CostNode> nodes = new ArrayList<>();
  private final Map<String, Long> bytes = new LinkedHashMap<>();
  private final Map<String, Long> weights = new LinkedHashMap<>();
  private final List<String> outputs = new ArrayList<>();

  /** Declares tensor {@code name} of {@code size} bytes. */
  TestGraphs tensor(String name, long size) {
    bytes.put(name, size);
    return this;
  }

  /** Declares weight {@code name} of {@code size} bytes. */
  TestGraphs weight(String name, long size) {
    weights.put(name, size);
    return this;
  }

  /** Adds node {@code id} reading {@code inputs} and writing {@code output}. */
  TestGraphs node(String id, double edgeMs, double cloudMs, List<String> inputs, String output) {
    return node(id, edgeMs, cloudMs, inputs, List.of(output), List.of());
  }

  TestGraphs node(
      String id,
      double edgeMs,
      double cloudMs,
      List<String> inputs,
      List<String> outs,
      List<String> nodeWeights) {
    nodes.add(new CostNode(id, "Op", edgeMs, cloudMs, inputs, outs, nodeWeights));
    return this;
  }

  TestGraphs output(String name) {
    outputs.add(name);
    return this;
  }

  CostGraph build() {
    return CostGraphs.of(nodes, bytes, outputs, weights, List.of());
  }

  /** A network putting a byte on the wire in {@code msPerByte}. */
  static NetworkProfile network(double msPerByte, double rttMs) {
    return new NetworkProfile("test", 8000.0 / msPerByte, rttMs);
  }

  /** Latency with no serialisation cost, so the hand-computed figures stay simple. */
  static CostModel latency() {
    return new CostModel(CostParameters.DEFAULTS.withSerialisationNsPerByte(0), Objective.LATENCY);
  }
}
