package io.isthmus.partitioner.plan;

import java.util.BitSet;
import java.util.List;

/**
 * The cut of least cost, found as a minimum s-t cut after DADS (Hu et al., "Dynamic Adaptive DNN
 * Surgery for Inference Acceleration on the Edge", INFOCOM 2019).
 *
 * <pre>
 *             cloud(v)              edge(v)
 *   s (edge) ----------> v ----------------> t (cloud)
 *
 *   producer p --transfer(x)--> a_x --inf--> consumer c1, c2, ...      (one a_x per tensor x)
 *   consumer c --inf--> p                                              (no flow back to the edge)
 *   s --transfer(x)--> a_x                                             (for a graph input x)
 * </pre>
 *
 * A node on the source side runs on the gateway, on the sink side in the cloud. Cutting {@code s ->
 * v} puts v in the cloud and costs its cloud weight; cutting {@code v -> t} keeps it on the
 * gateway. The infinite edge from each consumer back to its producer forbids an edge node reading a
 * cloud tensor. The auxiliary vertex {@code a_x} makes a tensor read by several cloud nodes cost
 * its transfer once: if any reader is in the cloud, {@code a_x} must be too, and only {@code p ->
 * a_x} is cut. The fixed cost of using the cloud at all (RTT, cold start, request price) is no edge
 * weight: it is added to the minimum cut's value afterwards and compared with all-edge.
 */
public final class OptimalCut {
  /** The weights a minimum cut minimises, in the objective's unit. */
  public interface Weights {
    /** Cost of running node {@code v} on the gateway. */
    double edge(CostGraph graph, int v);

    /** Cost of running node {@code v} in the cloud, including sending back its graph outputs. */
    double cloud(CostGraph graph, int v);

    /** Cost of sending {@code tensor} from the gateway to the cloud. */
    double transfer(CostTensor tensor);

    /** Cost of any plan that uses the cloud. */
    double fixed();
  }

  private OptimalCut() {}

  /** The cut minimising the weights' total; all-edge when it ties with the best other cut. */
  public static Cut find(CostGraph graph, Weights weights) {
    int n = graph.size();
    List<CostTensor> tensors = List.copyOf(graph.tensors().values());
    int source = n + tensors.size();
    int sink = source + 1;
    FlowNetwork network = new FlowNetwork(sink + 1);
    double allEdge = 0;
    for (int v = 0; v < n; v++) {
      network.addEdge(source, v, weights.cloud(graph, v));
      double edge = weights.edge(graph, v);
      network.addEdge(v, sink, edge);
      allEdge += edge;
    }
    for (int i = 0; i < tensors.size(); i++) {
      CostTensor x = tensors.get(i);
      if (x.consumers().isEmpty()) {
        continue;
      }
      int aux = n + i;
      network.addEdge(x.graphInput() ? source : x.producer(), aux, weights.transfer(x));
      for (int c : x.consumers()) {
        network.addEdge(aux, c, Double.POSITIVE_INFINITY);
        if (!x.graphInput()) {
          network.addEdge(c, x.producer(), Double.POSITIVE_INFINITY);
        }
      }
    }
    double cutValue = network.maxFlow(source, sink);
    BitSet head = network.sourceSide(source).get(0, n);
    Cut cut = Cut.of(graph, head);
    if (cut.isAllEdge() || allEdge <= cutValue + weights.fixed()) {
      return Cut.allEdge(graph);
    }
    return cut;
  }
}
