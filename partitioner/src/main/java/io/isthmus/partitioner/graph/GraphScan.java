package io.isthmus.partitioner.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The structure of a top-level graph: its nodes in topological order (ties broken by file order, so
 * an already sorted graph keeps its order), who produces and who reads each tensor, and the names
 * that live only inside control-flow subgraphs.
 */
record GraphScan(
    List<GraphNode> nodes,
    Set<String> initializers,
    List<String> inputs,
    List<String> outputs,
    Map<String, String> producers,
    Map<String, List<String>> consumers,
    Map<String, String> subgraphTensors) {

  static GraphScan of(GraphProto graph, String source) throws PartitionException {
    Set<String> initializers = new LinkedHashSet<>();
    graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
    graph.getSparseInitializerList().forEach(t -> initializers.add(t.getValues().getName()));
    List<String> inputs = new ArrayList<>();
    for (ValueInfoProto input : graph.getInputList()) {
      if (!initializers.contains(input.getName())) {
        inputs.add(input.getName());
      }
    }
    List<String> outputs = graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
    List<String> ids = NodeIds.of(graph);
    if (new HashSet<>(ids).size() != ids.size()) {
      throw invalid(
          source,
          "a node's name equals the <opType>_<index> id of an unnamed node, so node ids collide;"
              + " rename that node");
    }
    List<GraphNode> fileOrder = new ArrayList<>();
    Map<String, String> subgraphTensors = new HashMap<>();
    for (int i = 0; i < graph.getNodeCount(); i++) {
      fileOrder.add(node(graph.getNode(i), ids.get(i), i, subgraphTensors));
    }
    Map<String, String> producers = new HashMap<>();
    for (GraphNode node : fileOrder) {
      for (String output : node.outputs()) {
        String previous = producers.put(output, node.id());
        if (previous != null || initializers.contains(output) || inputs.contains(output)) {
          throw invalid(source, "tensor " + output + " is defined twice");
        }
      }
    }
    Map<String, List<String>> consumers = new HashMap<>();
    for (GraphNode node : fileOrder) {
      for (String input : node.inputs()) {
        if (!producers.containsKey(input)
            && !initializers.contains(input)
            && !inputs.contains(input)) {
          throw invalid(
              source, "node " + node.id() + " reads tensor " + input + ", which nothing defines");
        }
        consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node.id());
      }
    }
    for (String output : outputs) {
      if (!producers.containsKey(output) && !inputs.contains(output)) {
        throw invalid(source, "graph output " + output + " is not computed by any node");
      }
    }
    List<GraphNode> sorted = topologicalOrder(fileOrder, producers, source);
    return new GraphScan(
        sorted, initializers, inputs, outputs, producers, consumers, subgraphTensors);
  }

  private static GraphNode node(NodeProto proto, String id, int index, Map<String, String> inner) {
    LinkedHashSet<String> reads = new LinkedHashSet<>();
    proto.getInputList().stream().filter(s -> !s.isEmpty()).forEach(reads::add);
    boolean controlFlow = false;
    for (GraphProto subgraph : subgraphs(proto)) {
      controlFlow = true;
      Set<String> defined = new HashSet<>();
      reads.addAll(outerReferences(subgraph, defined));
      defined.forEach(name -> inner.put(name, id));
    }
    List<String> writes = proto.getOutputList().stream().filter(s -> !s.isEmpty()).toList();
    return new GraphNode(id, index, proto.getOpType(), List.copyOf(reads), writes, controlFlow);
  }

  /** The graph attributes (If branches, Loop and Scan bodies) of a node. */
  static List<GraphProto> subgraphs(NodeProto node) {
    List<GraphProto> graphs = new ArrayList<>();
    for (AttributeProto attribute : node.getAttributeList()) {
      if (attribute.hasG()) {
        graphs.add(attribute.getG());
      }
      graphs.addAll(attribute.getGraphsList());
    }
    return graphs;
  }

  /**
   * The names {@code subgraph} reads from enclosing scopes; adds every name it defines (at any
   * depth) to {@code inner}.
   */
  private static Set<String> outerReferences(GraphProto subgraph, Set<String> inner) {
    Set<String> defined = new HashSet<>();
    subgraph.getInputList().forEach(v -> defined.add(v.getName()));
    subgraph.getInitializerList().stream().map(TensorProto::getName).forEach(defined::add);
    subgraph.getSparseInitializerList().stream()
        .map(SparseTensorProto::getValues)
        .map(TensorProto::getName)
        .forEach(defined::add);
    subgraph.getNodeList().forEach(n -> defined.addAll(n.getOutputList()));
    defined.remove("");
    inner.addAll(defined);
    Set<String> references = new LinkedHashSet<>();
    for (NodeProto node : subgraph.getNodeList()) {
      for (String input : node.getInputList()) {
        if (!input.isEmpty() && !defined.contains(input)) {
          references.add(input);
        }
      }
      for (GraphProto nested : subgraphs(node)) {
        for (String reference : outerReferences(nested, inner)) {
          if (!defined.contains(reference)) {
            references.add(reference);
          }
        }
      }
    }
    return references;
  }

  private static List<GraphNode> topologicalOrder(
      List<GraphNode> fileOrder, Map<String, String> producers, String source)
      throws PartitionException {
    Map<String, GraphNode> byId = new HashMap<>();
    fileOrder.forEach(n -> byId.put(n.id(), n));
    Map<String, Integer> waiting = new HashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    PriorityQueue<GraphNode> ready =
        new PriorityQueue<>((a, b) -> Integer.compare(a.index(), b.index()));
    for (GraphNode node : fileOrder) {
      Set<String> upstream = new HashSet<>();
      for (String input : node.inputs()) {
        String producer = producers.get(input);
        if (producer != null && upstream.add(producer)) {
          dependents.computeIfAbsent(producer, k -> new ArrayList<>()).add(node.id());
        }
      }
      waiting.put(node.id(), upstream.size());
      if (upstream.isEmpty()) {
        ready.add(node);
      }
    }
    List<GraphNode> sorted = new ArrayList<>();
    while (!ready.isEmpty()) {
      GraphNode node = ready.poll();
      sorted.add(node);
      for (String dependent : dependents.getOrDefault(node.id(), List.of())) {
        if (waiting.merge(dependent, -1, Integer::sum) == 0) {
          ready.add(byId.get(dependent));
        }
      }
    }
    if (sorted.size() != fileOrder.size()) {
      throw invalid(source, "its graph has a cycle");
    }
    return sorted;
  }

  private static PartitionException invalid(String source, String why) {
    return new PartitionException(
        Code.NOT_ONNX,
        source + " is not a valid ONNX model: " + why + ". Re-export the model and try again.");
  }
}
