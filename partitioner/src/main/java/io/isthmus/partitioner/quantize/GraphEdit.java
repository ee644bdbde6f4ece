package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph being rewritten: its nodes as a list, its initializers by name, and fresh names that
 * collide with no tensor or node already in the graph.
 */
final class GraphEdit {
  final GraphProto original;
  final List<NodeProto> nodes;
  final Map<String, TensorProto> initializers = new LinkedHashMap<>();
  private final Set<String> names = new HashSet<>();

  GraphEdit(GraphProto graph) {
    this.original = graph;
    this.nodes = new ArrayList<>(graph.getNodeList());
    for (TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
      names.add(t.getName());
    }
    for (NodeProto n : graph.getNodeList()) {
      names.add(n.getName());
      names.addAll(n.getInputList());
      names.addAll(n.getOutputList());
    }
    graph.getInputList().forEach(v -> names.add(v.getName()));
    graph.getOutputList().forEach(v -> names.add(v.getName()));
  }

  /** A name starting with {@code base} that no tensor or node has yet; reserved from now on. */
  String fresh(String base) {
    String name = base;
    for (int i = 1; !names.add(name); i++) {
      name = base + "_" + i;
    }
    return name;
  }

  /** Adds {@code t} as an initializer under its own name and returns the name. */
  String addInitializer(TensorProto t) {
    initializers.put(t.getName(), t);
    return t.getName();
  }

  /** The graph with these nodes and initializers, everything else as in the original. */
  GraphProto build() {
    Set<String> used = new HashSet<>();
    for (NodeProto n : nodes) {
      used.addAll(n.getInputList());
      collectSubgraphInputs(n, used);
    }
    original.getOutputList().forEach(v -> used.add(v.getName()));
    GraphProto.Builder g = original.toBuilder().clearNode().clearInitializer().addAllNode(nodes);
    for (TensorProto t : initializers.values()) {
      if (used.contains(t.getName())) {
        g.addInitializer(t);
      }
    }
    // graph inputs that only fed replaced initializers (IR < 4 models) must go with them
    List<ValueInfoProto> inputs = new ArrayList<>();
    Set<String> originalInitializers = new HashSet<>();
    original.getInitializerList().forEach(t -> originalInitializers.add(t.getName()));
    for (ValueInfoProto v : original.getInputList()) {
      if (!originalInitializers.contains(v.getName()) || used.contains(v.getName())) {
        inputs.add(v);
      }
    }
    return g.clearInput().addAllInput(inputs).build();
  }

  private static void collectSubgraphInputs(NodeProto node, Set<String> used) {
    for (AttributeProto a : node.getAttributeList()) {
      List<GraphProto> graphs = new ArrayList<>(a.getGraphsList());
      if (a.hasG()) {
        graphs.add(a.getG());
      }
      for (GraphProto g : graphs) {
        for (NodeProto n : g.getNodeList()) {
          used.addAll(n.getInputList());
          collectSubgraphInputs(n, used);
        }
      }
    }
  }

  static NodeProto node(String op, String domain, String name, List<String> in, List<String> out) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setDomain(domain)
        .setName(name)
        .addAllInput(in)
        .addAllOutput(out)
        .build();
  }

  static AttributeProto intAttribute(String name, long value) {
    return attribute(name, AttributeProto.AttributeType.INT).setI(value).build();
  }

  static AttributeProto floatAttribute(String name, float value) {
    return attribute(name, AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  private static AttributeProto.Builder attribute(String name, AttributeProto.AttributeType type) {
    return AttributeProto.newBuilder().setName(name).setType(type);
  }

  /** The int attribute {@code name} of {@code node}, or {@code fallback}. */
  static long intAttribute(NodeProto node, String name, long fallback) {
    return node.getAttributeList().stream()
        .filter(a -> a.getName().equals(name))
        .mapToLong(AttributeProto::getI)
        .findFirst()
        .orElse(fallback);
  }

  /** The float attribute {@code name} of {@code node}, or {@code fallback}. */
  static float floatAttribute(NodeProto node, String name, float fallback) {
    return node.getAttributeList().stream()
        .filter(a -> a.getName().equals(name))
        .map(AttributeProto::getF)
        .findFirst()
        .orElse(fallback);
  }
}
