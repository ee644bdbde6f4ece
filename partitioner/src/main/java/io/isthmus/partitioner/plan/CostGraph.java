package io.isthmus.partitioner.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What planning needs of a model: its nodes in topological order with their times on the gateway
 * and in the cloud, the tensors between them with their sizes, and the weights' sizes. Built from
 * an ONNX model and two profiles by {@link CostGraphs#fromOnnx}, or directly by tests.
 *
 * @param nodes the nodes; every node's inputs are graph inputs or outputs of earlier nodes
 * @param tensors every tensor a node reads or writes, and every graph output, by name
 * @param weightBytes the size of every weight, by name
 * @param warnings what the builder had to guess (a tensor of unknown size, say)
 */
public record CostGraph(
    List<CostNode> nodes,
    Map<String, CostTensor> tensors,
    Map<String, Long> weightBytes,
    List<String> warnings) {
  public CostGraph {
    nodes = List.copyOf(nodes);
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    weightBytes = Map.copyOf(weightBytes);
    warnings = List.copyOf(warnings);
    for (int i = 0; i < nodes.size(); i++) {
      for (String input : nodes.get(i).inputs()) {
        CostTensor t = tensors.get(input);
        if (t == null) {
          throw new IllegalArgumentException(
              "Node " + nodes.get(i).id() + " reads unknown tensor " + input);
        }
        if (t.producer() >= i) {
          throw new IllegalArgumentException(
              "Nodes are not in topological order: "
                  + nodes.get(i).id()
                  + " reads "
                  + input
                  + " before node "
                  + nodes.get(t.producer()).id()
                  + " writes it");
        }
      }
    }
  }

  /** This graph with the weights named in {@code sizes} at those sizes (an int8 model's, say). */
  public CostGraph withWeightBytes(Map<String, Long> sizes) {
    Map<String, Long> merged = new LinkedHashMap<>(weightBytes);
    sizes.forEach(merged::replace);
    return new CostGraph(nodes, tensors, merged, warnings);
  }

  /** The number of nodes. */
  public int size() {
    return nodes.size();
  }
}
