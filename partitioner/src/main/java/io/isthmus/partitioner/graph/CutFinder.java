package io.isthmus.partitioner.graph;

import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds and checks cuts of a {@link ModelGraph} (see {@link Cut} for the conventions).
 *
 * <p>Candidates: for each prefix of the topological order (the first k nodes, 1 <= k < n), the
 * frontier is the set of tensors the prefix has available (its outputs and the graph inputs) that a
 * node after the prefix reads. The head of that candidate is every node needed to compute the
 * frontier's computed tensors, and the candidate's crossing set is recomputed from that head, so
 * that passing the candidate's {@link Cut#spec()} back to {@link #cut(Collection)} gives the same
 * cut. Candidates with the same crossing set are listed once. On a chain this is every boundary
 * between two layers; on a graph with branches it is every set of tensors live at a step of the
 * topological order. The optimal cut over all DAG cuts is the planner's business; this class gives
 * it the candidates and their sizes.
 */
public final class CutFinder {
  private final ModelGraph graph;

  /** Graph inputs and the outputs of nodes that read them, directly or not. */
  private final Set<String> inputDependent = new HashSet<>();

  public CutFinder(ModelGraph graph) {
    this.graph = graph;
    inputDependent.addAll(graph.inputs());
    for (GraphNode node : graph.nodes()) {
      if (node.inputs().stream().anyMatch(inputDependent::contains)) {
        inputDependent.addAll(node.outputs());
      }
    }
  }

  /** Every candidate cut, in order of position; both halves have at least one node. */
  public List<Cut> candidates() {
    Map<Set<String>, Cut> cuts = new LinkedHashMap<>();
    Set<String> prefix = new HashSet<>();
    List<GraphNode> nodes = graph.nodes();
    for (int k = 0; k < nodes.size() - 1; k++) {
      prefix.add(nodes.get(k).id());
      Set<String> frontier = new LinkedHashSet<>();
      for (int i = 0; i <= k; i++) {
        for (String output : nodes.get(i).outputs()) {
          if (inputDependent.contains(output) && readOutside(output, prefix)) {
            frontier.add(output);
          }
        }
      }
      if (frontier.isEmpty()) {
        continue;
      }
      Cut cut = forHead(ancestors(frontier));
      if (!cut.tailNodes().isEmpty()) {
        cuts.putIfAbsent(Set.copyOf(cut.tensors()), cut);
      }
    }
    return List.copyOf(cuts.values());
  }

  /**
   * The cut that carries {@code tensorNames} from head to tail. Graph inputs may be named; they are
   * passed through to the tail.
   *
   * @throws PartitionException {@link Code#UNKNOWN_TENSOR} for a name that is no tensor of the
   *     graph (or an initializer), {@link Code#CUT_IN_SUBGRAPH} for a tensor defined inside an
   *     If/Loop/Scan subgraph, {@link Code#CUT_NOT_SEPARATING} when the tensors do not separate the
   *     graph into a head and a tail
   */
  public Cut cut(Collection<String> tensorNames) throws PartitionException {
    if (tensorNames.isEmpty()) {
      throw new PartitionException(Code.UNKNOWN_TENSOR, "The cut names no tensor. " + listHint());
    }
    Set<String> computed = new LinkedHashSet<>();
    List<String> unknown = new ArrayList<>();
    for (String name : tensorNames) {
      String owner = graph.subgraphOwner(name);
      if (owner != null && graph.tensor(name) == null) {
        throw new PartitionException(
            Code.CUT_IN_SUBGRAPH,
            "Tensor "
                + name
                + " lives inside a subgraph of control-flow node "
                + owner
                + " ("
                + graph.node(owner).opType()
                + "), which runs as one unit and cannot be cut. Cut at the node's inputs or at"
                + " its outputs ("
                + String.join(",", graph.node(owner).outputs())
                + ") instead.");
      }
      if (graph.producer(name) != null) {
        computed.add(name);
      } else if (!graph.inputs().contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new PartitionException(
          Code.UNKNOWN_TENSOR,
          "The graph has no computed tensor or input named "
              + unknown
              + (unknown.stream().anyMatch(graph.initializers()::contains)
                  ? " (initializers are constants and go with the nodes that use them)"
                  : "")
              + ". "
              + listHint());
    }
    if (computed.isEmpty()) {
      throw notSeparating("The cut names only graph inputs, so the head would be empty");
    }
    Set<String> head = ancestors(computed);
    for (String tensor : computed) {
      if (!readOutside(tensor, head)) {
        throw notSeparating(
            "Tensor "
                + tensor
                + " does not cross the cut: no tail node reads it (every node that reads it is"
                + " needed to compute the other cut tensors). Drop it from --cut");
      }
    }
    for (GraphNode node : graph.nodes()) {
      if (head.contains(node.id())) {
        continue;
      }
      for (String input : node.inputs()) {
        String producer = graph.producer(input);
        if (producer != null && head.contains(producer) && !computed.contains(input)) {
          throw notSeparating(
              "Tail node "
                  + node.id()
                  + " reads tensor "
                  + input
                  + ", which the head computes but the cut does not carry. Add "
                  + input
                  + " to --cut");
        }
      }
    }
    Cut cut = forHead(head);
    if (cut.tailNodes().isEmpty()) {
      throw notSeparating("The tail would be empty. Cut earlier");
    }
    return cut;
  }

  /**
   * The cut whose head is {@code headNodeIds}, for planners that choose a set of nodes (for example
   * the source side of a minimum s-t cut, or a {@code plan.json} candidate's {@code headNodes})
   * rather than a set of tensors. Nodes that depend on no graph input (Constant nodes and what they
   * alone compute) may be left out: those a head node reads join the head, as weights go with the
   * nodes that read them.
   *
   * @throws PartitionException {@link Code#UNKNOWN_TENSOR} for an id that is no node of the graph,
   *     {@link Code#CUT_NOT_SEPARATING} when a head node reads a tensor a tail node computes, or
   *     when the head or the tail would be empty
   */
  public Cut cutAtHead(Collection<String> headNodeIds) throws PartitionException {
    Set<String> head = new HashSet<>();
    for (String id : headNodeIds) {
      GraphNode node = graph.node(id);
      if (node == null) {
        throw new PartitionException(
            Code.UNKNOWN_TENSOR, "The graph has no node with id " + id + " (see NodeIds)");
      }
      head.add(id);
      node.inputs().stream()
          .filter(input -> !inputDependent.contains(input))
          .forEach(constant -> head.addAll(ancestors(List.of(constant))));
    }
    for (String id : head) {
      for (String input : graph.node(id).inputs()) {
        String producer = graph.producer(input);
        if (producer != null && !head.contains(producer)) {
          throw notSeparating(
              "Head node "
                  + id
                  + " reads tensor "
                  + input
                  + ", which tail node "
                  + producer
                  + " computes. Put "
                  + producer
                  + " in the head too");
        }
      }
    }
    if (head.isEmpty() || head.size() == graph.nodes().size()) {
      throw notSeparating("The head or the tail would be empty");
    }
    return forHead(head);
  }

  /** The cut whose head is {@code head}, an ancestor-closed set of node ids. */
  private Cut forHead(Set<String> head) {
    List<String> tensors = new ArrayList<>();
    List<String> headNodes = new ArrayList<>();
    List<String> tailNodes = new ArrayList<>();
    int position = 0;
    for (GraphNode node : graph.nodes()) {
      if (head.contains(node.id())) {
        headNodes.add(node.id());
        position = graph.position(node.id()) + 1;
        node.outputs().stream().filter(t -> readOutside(t, head)).forEach(tensors::add);
      } else {
        tailNodes.add(node.id());
      }
    }
    List<String> passThrough = graph.inputs().stream().filter(t -> readOutside(t, head)).toList();
    Map<String, Long> bytesByTensor = new LinkedHashMap<>();
    long bytes = 0;
    for (String tensor : concat(tensors, passThrough)) {
      long size = graph.tensor(tensor).bytes();
      bytesByTensor.put(tensor, size);
      bytes = bytes < 0 || size < 0 ? -1 : bytes + size;
    }
    return new Cut(tensors, passThrough, headNodes, tailNodes, bytesByTensor, bytes, position);
  }

  /** The ids of every node needed to compute {@code tensors}. */
  private Set<String> ancestors(Collection<String> tensors) {
    Set<String> nodes = new HashSet<>();
    Deque<String> pending = new ArrayDeque<>(tensors);
    while (!pending.isEmpty()) {
      String producer = graph.producer(pending.pop());
      if (producer != null && nodes.add(producer)) {
        pending.addAll(graph.node(producer).inputs());
      }
    }
    return nodes;
  }

  private boolean readOutside(String tensor, Set<String> nodes) {
    return graph.consumers(tensor).stream().anyMatch(c -> !nodes.contains(c));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String listHint() {
    return "Run `isthmus partition cuts MODEL` to list the tensors that make valid cuts.";
  }

  private static PartitionException notSeparating(String why) {
    return new PartitionException(Code.CUT_NOT_SEPARATING, why + ".");
  }
}
