package io.isthmus.partitioner.plan;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.graph.NodeIds;
import io.isthmus.partitioner.graph.TensorInfo;
import io.isthmus.partitioner.profile.NodeProfile;
import io.isthmus.partitioner.profile.Profile;
import io.isthmus.partitioner.profile.TensorSizes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Builds {@link CostGraph}s. */
public final class CostGraphs {
  private CostGraphs() {}

  /**
   * The cost graph of an ONNX model, with node times from an edge and a cloud profile of it.
   * Constant nodes are no nodes of it: like initializers, they are weights that go with the nodes
   * reading them, never sent. A tensor's size is taken from the edge profile (the output sizes
   * measured for its producer, or the shape it ran a graph input with), else from the graph model
   * ({@link TensorInfo#bytes()}: value infos, or measured by running the model once).
   *
   * @throws IllegalArgumentException if a profile lacks a node of the model or names nodes the
   *     model lacks (a profile of another model), or the nodes are not in topological order
   */
  public static CostGraph fromOnnx(ModelGraph model, Profile edge, Profile cloud) {
    Map<String, Long> known = new HashMap<>();
    for (TensorInfo info : model.tensors().values()) {
      if (info.bytes() >= 0) {
        known.put(info.name(), info.bytes());
      }
    }
    return fromOnnx(model.model(), known, edge, cloud);
  }

  /**
   * As {@link #fromOnnx(ModelGraph, Profile, Profile)}, with the sizes the graph model would give
   * passed as {@code modelBytes} (tensor name to bytes).
   */
  static CostGraph fromOnnx(
      ModelProto model, Map<String, Long> modelBytes, Profile edge, Profile cloud) {
    GraphProto graph = model.getGraph();
    List<String> ids = NodeIds.of(graph);
    checkCovers(ids, edge);
    checkCovers(ids, cloud);
    Set<String> initializers = new LinkedHashSet<>();
    Map<String, Long> weightBytes = new HashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      initializers.add(t.getName());
      weightBytes.put(t.getName(), TensorSizes.bytes(t));
    }
    for (NodeProto node : graph.getNodeList()) {
      if (TensorSizes.isConstant(node)) {
        initializers.add(node.getOutput(0));
        weightBytes.put(node.getOutput(0), TensorSizes.constantBytes(node));
      }
    }
    Map<String, Long> declared = new HashMap<>(modelBytes);
    declared.putAll(edge.inputBytes());
    List<String> warnings = new ArrayList<>();
    Map<String, Long> tensorBytes = new LinkedHashMap<>();
    List<CostNode> nodes = new ArrayList<>();
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto node = graph.getNode(i);
      if (TensorSizes.isConstant(node)) {
        continue;
      }
      String id = ids.get(i);
      NodeProfile measured = edge.nodes().get(id);
      List<String> inputs = new ArrayList<>();
      List<String> weights = new ArrayList<>();
      for (String input : node.getInputList()) {
        if (input.isEmpty()) {
          continue; // an omitted optional input
        }
        if (initializers.contains(input)) {
          weights.add(input);
        } else {
          inputs.add(input);
          if (!tensorBytes.containsKey(input)) {
            tensorBytes.put(input, sizeOf(input, declared, warnings));
          }
        }
      }
      List<String> outputs = new ArrayList<>();
      for (int o = 0; o < node.getOutputCount(); o++) {
        String output = node.getOutput(o);
        if (output.isEmpty()) {
          continue;
        }
        outputs.add(output);
        List<Long> each = measured.outputTensorBytes();
        tensorBytes.put(
            output,
            o < each.size()
                ? each.get(o)
                : node.getOutputCount() == 1 && measured.outputBytes() > 0
                    ? measured.outputBytes()
                    : sizeOf(output, declared, warnings));
      }
      nodes.add(
          new CostNode(
              id,
              node.getOpType(),
              measured.ms(),
              cloud.nodes().get(id).ms(),
              inputs,
              outputs,
              weights));
    }
    List<String> graphOutputs =
        graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
    for (String output : graphOutputs) {
      tensorBytes.computeIfAbsent(output, o -> sizeOf(o, declared, warnings));
    }
    return of(nodes, tensorBytes, graphOutputs, weightBytes, warnings);
  }

  /**
   * A cost graph of {@code nodes} (in topological order) whose tensors have the given sizes;
   * producers and consumers follow from the nodes' inputs and outputs.
   *
   * @throws IllegalArgumentException if a node's tensor has no size, or two nodes write one tensor
   */
  public static CostGraph of(
      List<CostNode> nodes,
      Map<String, Long> tensorBytes,
      List<String> graphOutputs,
      Map<String, Long> weightBytes,
      List<String> warnings) {
    Map<String, Integer> producers = new HashMap<>();
    Map<String, List<Integer>> consumers = new LinkedHashMap<>();
    for (int v = 0; v < nodes.size(); v++) {
      for (String input : nodes.get(v).inputs()) {
        List<Integer> readers = consumers.computeIfAbsent(input, k -> new ArrayList<>());
        if (readers.isEmpty() || readers.get(readers.size() - 1) != v) {
          readers.add(v);
        }
      }
      for (String output : nodes.get(v).outputs()) {
        Integer before = producers.put(output, v);
        if (before != null) {
          throw new IllegalArgumentException(
              "Tensor "
                  + output
                  + " is written by "
                  + nodes.get(before).id()
                  + " and "
                  + nodes.get(v).id());
        }
        consumers.computeIfAbsent(output, k -> new ArrayList<>());
      }
    }
    for (String output : graphOutputs) {
      consumers.computeIfAbsent(output, k -> new ArrayList<>());
    }
    Set<String> outputs = new TreeSet<>(graphOutputs);
    Map<String, CostTensor> tensors = new LinkedHashMap<>();
    consumers.forEach(
        (name, readers) -> {
          Long bytes = tensorBytes.get(name);
          if (bytes == null) {
            throw new IllegalArgumentException("Tensor " + name + " has no size");
          }
          tensors.put(
              name,
              new CostTensor(
                  name, bytes, producers.getOrDefault(name, -1), readers, outputs.contains(name)));
        });
    return new CostGraph(nodes, tensors, weightBytes, warnings);
  }

  private static void checkCovers(List<String> ids, Profile profile) {
    Set<String> unknown = new TreeSet<>(profile.nodes().keySet());
    ids.forEach(unknown::remove);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "Profile of "
              + profile.device()
              + " names "
              + unknown.size()
              + " nodes the model lacks, e.g. "
              + unknown.stream().limit(5).toList()
              + ": it is a profile of another model ("
              + profile.model()
              + "). Profile this model with `partition profile`.");
    }
    List<String> missing = ids.stream().filter(id -> !profile.nodes().containsKey(id)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "Profile of "
              + profile.device()
              + " lacks "
              + missing.size()
              + " nodes of the model, e.g. "
              + missing.stream().limit(5).toList()
              + ". Profile this model with `partition profile`.");
    }
  }

  private static long sizeOf(String tensor, Map<String, Long> declared, List<String> warnings) {
    Long bytes = declared.get(tensor);
    if (bytes == null) {
      warnings.add(
          "Size of tensor "
              + tensor
              + " is unknown (neither the profile nor the graph model gives it); taken as 0 bytes");
      return 0;
    }
    return bytes;
  }
}
