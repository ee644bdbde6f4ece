package io.isthmus.partitioner.plan;

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
  public static Placement find(CostGraph graph, Weights weights) {
    int n = graph.size();
    List<CostTensor> tensors = List.copyOf(graph.tensors().values());
    double[] cloud = new double[n];
    double[] edge = new double[n];
    double[] transfer = new double[tensors.size()];
    double allEdge = 0;
    double scale = 0;
    for (int v = 0; v < n; v++) {
      cloud[v] = weights.cloud(graph, v);
      edge[v] = weights.edge(graph, v);
      allEdge += edge[v];
      scale = Math.max(scale, Math.max(cloud[v], edge[v]));
    }
    for (int i = 0; i < tensors.size(); i++) {
      transfer[i] = weights.transfer(tensors.get(i));
      scale = Math.max(scale, transfer[i]);
    }
    if (scale == 0) {
      return Placement.allEdge(graph);
    }
    // Capacities relative to the largest, so the flow's tolerance suits any objective's unit
    // (a cloud price per millisecond is about 1e-8).
    int source = n + tensors.size();
    int sink = source + 1;
    FlowNetwork network = new FlowNetwork(sink + 1);
    for (int v = 0; v < n; v++) {
      network.addEdge(source, v, cloud[v] / scale);
      network.addEdge(v, sink, edge[v] / scale);
    }
    for (int i = 0; i < tensors.size(); i++) {
      CostTensor x = tensors.get(i);
      if (x.consumers().isEmpty()) {
        continue;
      }
      int aux = n + i;
      network.addEdge(x.graphInput() ? source : x.producer(), aux, transfer[i] / scale);
      for (int c : x.consumers()) {
        network.addEdge(aux, c, Double.POSITIVE_INFINITY);
        if (!x.graphInput()) {
          network.addEdge(c, x.producer(), Double.POSITIVE_INFINITY);
        }
      }
    }
    double cutValue = network.maxFlow(source, sink) * scale;
    Placement cut = Placement.of(graph, network.sourceSide(source).get(0, n));
    if (cut.isAllEdge() || allEdge <= cutValue + weights.fixed()) {
      return Placement.allEdge(graph);
    }
    return cut;
  }
}
