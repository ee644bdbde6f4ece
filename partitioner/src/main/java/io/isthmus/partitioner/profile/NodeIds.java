package io.isthmus.partitioner.profile;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The id of every node of a graph, as profiles and plans name them: the node's name when it is
 * non-empty and unique in the graph, else {@code <opType>_<index in graph.node>}.
 */
public final class NodeIds {
  private NodeIds() {}

  /** The ids of {@code graph}'s nodes, in the order of {@code graph.node}. */
  public static List<String> of(GraphProto graph) {
    Map<String, Integer> uses = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      uses.merge(node.getName(), 1, Integer::sum);
    }
    List<String> ids = new ArrayList<>(graph.getNodeCount());
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto node = graph.getNode(i);
      String name = node.getName();
      ids.add(!name.isEmpty() && uses.get(name) == 1 ? name : node.getOpType() + "_" + i);
    }
    return ids;
  }
}
