package io.isthmus.partitioner.split;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.graph.Cut;
import io.isthmus.partitioner.graph.GraphNode;
import io.isthmus.partitioner.graph.ModelGraph;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits a model at a {@link Cut} into a head and a tail model. Each half keeps the model's IR
 * version, operator-set imports, functions and metadata; takes its nodes in topological order; and
 * gets only the initializers its own nodes (or their subgraphs) read. Cut tensors become head
 * outputs and tail inputs with the type and shape of {@link ModelGraph#tensor}; graph outputs go
 * out of the half that computes them (see {@link Cut}).
 */
public final class Splitter {
  private Splitter() {}

  /**
   * Splits {@code graph} at {@code cut}, a cut of this graph from {@link
   * io.isthmus.partitioner.graph.CutFinder}.
   */
  public static SplitModels split(ModelGraph graph, Cut cut) {
    Set<String> headNodes = Set.copyOf(cut.headNodes());
    List<String> headOutputs = new ArrayList<>(cut.tensors());
    List<String> tailOutputs = new ArrayList<>();
    for (String output : graph.outputs()) {
      String producer = graph.producer(output);
      if (producer != null && headNodes.contains(producer)) {
        if (!headOutputs.contains(output)) {
          headOutputs.add(output);
        }
      } else if (producer != null) {
        tailOutputs.add(output);
      }
    }
    List<String> tailInputs = new ArrayList<>(cut.tensors());
    tailInputs.addAll(cut.passThrough());
    ModelProto head = half(graph, cut.headNodes(), null, headOutputs, "head");
    ModelProto tail = half(graph, cut.tailNodes(), tailInputs, tailOutputs, "tail");
    return new SplitModels(cut, head, tail);
  }

  /** One half with the given nodes; {@code inputs} null means the graph inputs its nodes read. */
  private static ModelProto half(
      ModelGraph graph,
      List<String> nodeIds,
      List<String> inputs,
      List<String> outputs,
      String role) {
    GraphProto original = graph.model().getGraph();
    Set<String> reads = new LinkedHashSet<>();
    Set<String> writes = new HashSet<>();
    GraphProto.Builder half =
        GraphProto.newBuilder()
            .setName(original.getName() + "_" + role)
            .setDocString(original.getDocString());
    for (String id : nodeIds) {
      GraphNode node = graph.node(id);
      NodeProto proto = original.getNode(node.index());
      half.addNode(proto);
      reads.addAll(node.inputs());
      writes.addAll(node.outputs());
    }
    List<String> halfInputs =
        inputs != null ? inputs : graph.inputs().stream().filter(reads::contains).toList();
    for (String input : halfInputs) {
      half.addInput(graph.tensor(input).valueInfo());
    }
    for (TensorProto initializer : original.getInitializerList()) {
      if (reads.contains(initializer.getName())) {
        half.addInitializer(initializer);
      }
    }
    for (SparseTensorProto initializer : original.getSparseInitializerList()) {
      if (reads.contains(initializer.getValues().getName())) {
        half.addSparseInitializer(initializer);
      }
    }
    // Models of IR version < 4 must also list their initializers as graph inputs.
    for (ValueInfoProto input : original.getInputList()) {
      if (graph.initializers().contains(input.getName()) && reads.contains(input.getName())) {
        half.addInput(input);
      }
    }
    for (String output : outputs) {
      half.addOutput(graph.tensor(output).valueInfo());
    }
    Set<String> boundary = new HashSet<>(halfInputs);
    boundary.addAll(outputs);
    for (ValueInfoProto info : original.getValueInfoList()) {
      if (writes.contains(info.getName()) && !boundary.contains(info.getName())) {
        half.addValueInfo(info);
      }
    }
    return graph.model().toBuilder().clearTrainingInfo().setGraph(half).build();
  }
}
