package io.isthmus.partitioner.plan;

import java.util.List;

/**
 * A node of a {@link CostGraph}.
 *
 * @param id the node id
 * @param op the operator type
 * @param edgeMs its time on the gateway
 * @param cloudMs its time in the cloud
 * @param inputs the tensors it reads, weights excluded
 * @param outputs the tensors it writes
 * @param weights the names of the weights (initializers) it reads
 */
public record CostNode(
    String id,
    String op,
    double edgeMs,
    double cloudMs,
    List<String> inputs,
    List<String> outputs,
    List<String> weights) {
  public CostNode {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    weights = List.copyOf(weights);
  }
}
