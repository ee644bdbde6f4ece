package io.isthmus.partitioner.inspect;

import io.isthmus.partitioner.graph.GraphNode;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.graph.TensorInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of the inspect table: a node with its output and, when profiles were given, its latency
 * on the gateway and in the cloud.
 *
 * @param nodeId the node id
 * @param op the operator type
 * @param outputShape the shape of its first output, e.g. {@code [1,16,64,64]}
 * @param outputType the element type of its first output
 * @param bytes the bytes of all its outputs (-1 when one has no fixed size)
 * @param edgeMs latency in the edge profile, or null
 * @param cloudMs latency in the cloud profile, or null
 */
public record Layer(
    String nodeId,
    String op,
    String outputShape,
    String outputType,
    long bytes,
    Double edgeMs,
    Double cloudMs) {

  /** One layer per node in topological order; profiles may be null. */
  public static List<Layer> of(ModelGraph graph, NodeTimes edge, NodeTimes cloud) {
    List<Layer> layers = new ArrayList<>();
    for (GraphNode node : graph.nodes()) {
      long bytes = 0;
      for (String output : node.outputs()) {
        long size = graph.tensor(output).bytes();
        bytes = bytes < 0 || size < 0 ? -1 : bytes + size;
      }
      TensorInfo first = node.outputs().isEmpty() ? null : graph.tensor(node.outputs().get(0));
      layers.add(
          new Layer(
              node.id(),
              node.opType(),
              first == null ? "" : first.shapeText(),
              first == null ? "" : first.typeText(),
              bytes,
              edge == null ? null : edge.of(node.id()),
              cloud == null ? null : cloud.of(node.id())));
    }
    return layers;
  }
}
