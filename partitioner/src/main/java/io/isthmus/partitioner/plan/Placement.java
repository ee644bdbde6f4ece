package io.isthmus.partitioner.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Where each node of a {@link CostGraph} runs: a head on the gateway and a tail in the cloud, with
 * what that placement costs (edge and cloud time, bytes sent and returned, gateway memory). The
 * head holds every node that an edge node needs (it is closed under predecessors), so tensors only
 * flow from the gateway to the cloud; the tail's graph outputs come back.
 *
 * <p>This is the planner's view, over the cost graph (no Constant nodes, sizes from profiles); it
 * may also be all-edge or all-cloud. The splitter's view of the same decision is {@link
 * io.isthmus.partitioner.graph.Cut} (the tensors that cross, with the shapes of the graph model),
 * obtained from a plan candidate's head nodes with {@link
 * io.isthmus.partitioner.graph.CutFinder#cutAtHead}.
 */
public final class Placement {
  private final CostGraph graph;
  private final BitSet head;

  private Placement(CostGraph graph, BitSet head) {
    this.graph = graph;
    this.head = (BitSet) head.clone();
  }

  /**
   * The cut whose head is the nodes of {@code head} (indices into the graph's nodes).
   *
   * @throws IllegalArgumentException if a head node reads a tensor that a tail node writes
   */
  public static Placement of(CostGraph graph, BitSet head) {
    for (int v = head.nextSetBit(0); v >= 0; v = head.nextSetBit(v + 1)) {
      for (String input : graph.nodes().get(v).inputs()) {
        int producer = graph.tensors().get(input).producer();
        if (producer >= 0 && !head.get(producer)) {
          throw new IllegalArgumentException(
              "Not a cut: head node "
                  + graph.nodes().get(v).id()
                  + " reads "
                  + input
                  + " from tail node "
                  + graph.nodes().get(producer).id());
        }
      }
    }
    return new Placement(graph, head);
  }

  /**
   * The cut named by tensors, as {@code partition split --cut} takes it: the head is every node
   * needed to compute {@code tensors}, the tail the rest.
   *
   * @throws IllegalArgumentException if a tensor is not in the graph, or the head so found reads a
   *     tensor the tail writes (the tensors do not separate the graph)
   */
  public static Placement ofTensors(CostGraph graph, Collection<String> tensors) {
    BitSet head = new BitSet();
    ArrayDeque<String> pending = new ArrayDeque<>();
    for (String name : tensors) {
      if (!graph.tensors().containsKey(name)) {
        throw new IllegalArgumentException("Unknown tensor " + name + " in cut " + tensors);
      }
      pending.add(name);
    }
    while (!pending.isEmpty()) {
      int producer = graph.tensors().get(pending.poll()).producer();
      if (producer >= 0 && !head.get(producer)) {
        head.set(producer);
        pending.addAll(graph.nodes().get(producer).inputs());
      }
    }
    return of(graph, head);
  }

  /** Everything on the gateway. */
  public static Placement allEdge(CostGraph graph) {
    BitSet all = new BitSet();
    all.set(0, graph.size());
    return new Placement(graph, all);
  }

  /** Everything in the cloud. */
  public static Placement allCloud(CostGraph graph) {
    return new Placement(graph, new BitSet());
  }

  public CostGraph graph() {
    return graph;
  }

  /** Whether node {@code index} runs on the gateway. */
  public boolean inHead(int index) {
    return head.get(index);
  }

  public boolean isAllEdge() {
    return head.cardinality() == graph.size();
  }

  public boolean isAllCloud() {
    return head.isEmpty();
  }

  /** The head's node ids, in graph order. */
  public List<String> headNodes() {
    return ids(true);
  }

  /** The tail's node ids, in graph order. */
  public List<String> tailNodes() {
    return ids(false);
  }

  /** The tensors sent from the gateway to the cloud, in graph order: the cut. */
  public List<CostTensor> sent() {
    List<CostTensor> sent = new ArrayList<>();
    for (CostTensor t : graph.tensors().values()) {
      boolean fromEdge = t.producer() < 0 || head.get(t.producer());
      if (fromEdge && t.consumers().stream().anyMatch(c -> !head.get(c))) {
        sent.add(t);
      }
    }
    return sent;
  }

  /** The graph outputs the head writes: results the gateway has without the cloud. */
  public List<CostTensor> headOutputs() {
    return graph.tensors().values().stream()
        .filter(t -> t.graphOutput() && t.producer() >= 0 && head.get(t.producer()))
        .toList();
  }

  /** The graph outputs the tail writes, sent back to the gateway. */
  public List<CostTensor> returned() {
    return graph.tensors().values().stream()
        .filter(t -> t.graphOutput() && t.producer() >= 0 && !head.get(t.producer()))
        .toList();
  }

  public long bytesSent() {
    return sent().stream().mapToLong(CostTensor::bytes).sum();
  }

  public long bytesReturned() {
    return returned().stream().mapToLong(CostTensor::bytes).sum();
  }

  /** The head's time on the gateway. */
  public double edgeMs() {
    return sum(true, CostNode::edgeMs);
  }

  /** The tail's time in the cloud. */
  public double cloudMs() {
    return sum(false, CostNode::cloudMs);
  }

  /** The bytes of the weights the head reads, each weight counted once. */
  public long headWeightBytes() {
    Set<String> weights = new HashSet<>();
    for (int v = head.nextSetBit(0); v >= 0; v = head.nextSetBit(v + 1)) {
      weights.addAll(graph.nodes().get(v).weights());
    }
    return weights.stream().mapToLong(w -> graph.weightBytes().getOrDefault(w, 0L)).sum();
  }

  /**
   * The most activation bytes live at once while the head runs in graph order: graph inputs until
   * their last head reader (or until sent), a node's outputs from when it runs until their last
   * head reader, and the cut tensors and graph outputs until the end.
   */
  public long peakActivationBytes() {
    // Tensors never freed while the head runs (sent ones) or already freed.
    Set<String> settled = new HashSet<>();
    sent().forEach(t -> settled.add(t.name()));
    long live = 0;
    for (CostTensor t : graph.tensors().values()) {
      if (t.graphInput()) {
        live += t.bytes();
      }
    }
    long peak = live;
    for (int v = head.nextSetBit(0); v >= 0; v = head.nextSetBit(v + 1)) {
      CostNode node = graph.nodes().get(v);
      for (String output : node.outputs()) {
        live += graph.tensors().get(output).bytes();
      }
      peak = Math.max(peak, live);
      for (String input : node.inputs()) {
        CostTensor t = graph.tensors().get(input);
        if (!settled.contains(input) && !t.graphOutput() && lastHeadReader(t) == v) {
          live -= t.bytes();
          settled.add(input);
        }
      }
    }
    return peak;
  }

  /** What the gateway must hold for the head: its weights and its peak activations. */
  public long headMemoryBytes() {
    return headWeightBytes() + peakActivationBytes();
  }

  /** The same head as {@code other}'s. */
  public boolean sameHead(Placement other) {
    return head.equals(other.head);
  }

  BitSet head() {
    return (BitSet) head.clone();
  }

  private int lastHeadReader(CostTensor t) {
    int last = -1;
    for (int c : t.consumers()) {
      if (head.get(c)) {
        last = Math.max(last, c);
      }
    }
    return last;
  }

  private List<String> ids(boolean inHead) {
    List<String> ids = new ArrayList<>();
    for (int v = 0; v < graph.size(); v++) {
      if (head.get(v) == inHead) {
        ids.add(graph.nodes().get(v).id());
      }
    }
    return ids;
  }

  private double sum(boolean inHead, ToDoubleFunction<CostNode> f) {
    double total = 0;
    for (int v = 0; v < graph.size(); v++) {
      if (head.get(v) == inHead) {
        total += f.applyAsDouble(graph.nodes().get(v));
      }
    }
    return total;
  }

  @Override
  public String toString() {
    return isAllEdge()
        ? "all-edge"
        : isAllCloud() ? "all-cloud" : "cut" + sent().stream().map(CostTensor::name).toList();
  }
}
