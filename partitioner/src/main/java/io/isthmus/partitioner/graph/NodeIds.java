package io.isthmus.partitioner.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node-id rule every part of the partitioner shares (graph model, profiles, plans, inspect).
 *
 * <p>A node's id is its {@code name} when that name is non-empty and no other node of the same
 * graph has it; otherwise it is {@code <opType>_<i>}, where {@code i} is the node's index in {@code
 * graph.node} (the order in the file, counting from 0). Examples: a node named {@code conv1} is
 * {@code conv1}; the fourth node, unnamed and of type Relu, is {@code Relu_3}; two nodes both named
 * {@code x} at indices 5 and 9 are {@code Conv_5} and {@code Add_9}. Only the top-level graph's
 * nodes get ids: nodes inside If/Loop/Scan subgraphs belong to their control-flow node.
 */
public final class NodeIds {
  private NodeIds() {}

  /** The id of each node of {@code graph}, in the order of {@code graph.node}. */
  public static List<String> of(GraphProto graph) {
    Map<String, Integer> nameCounts = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      if (!node.getName().isEmpty()) {
        nameCounts.merge(node.getName(), 1, Integer::sum);
      }
    }
    List<String> ids = new ArrayList<>(graph.getNodeCount());
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto node = graph.getNode(i);
      String name = node.getName();
      boolean unique = !name.isEmpty() && nameCounts.get(name) == 1;
      ids.add(unique ? name : node.getOpType() + "_" + i);
    }
    return ids;
  }
}
