package io.isthmus.partitioner.graph;

import java.util.List;

/**
 * One node of the top-level graph. A control-flow node (If, Loop, Scan) is one unit together with
 * its subgraphs: the tensors of the outer graph its subgraphs read count as its inputs.
 *
 * @param id the node id (see {@link NodeIds})
 * @param index the node's index in {@code graph.node}
 * @param opType the operator type
 * @param inputs the tensors it reads: its non-empty inputs, then its subgraphs' outer-scope
 *     references, each once
 * @param outputs its non-empty outputs
 * @param controlFlow whether it carries subgraphs
 */
public record GraphNode(
    String id,
    int index,
    String opType,
    List<String> inputs,
    List<String> outputs,
    boolean controlFlow) {
  public GraphNode {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }
}
