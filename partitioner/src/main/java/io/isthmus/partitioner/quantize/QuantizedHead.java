package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.graph.NodeIds;
import io.isthmus.partitioner.profile.NodeProfile;
import io.isthmus.partitioner.profile.Profile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A float model and its int8 (QDQ) version as one thing the planner can cut: the int8 model's node
 * times on the float model's nodes, and the model whose head runs in int8 and whose tail stays
 * float.
 *
 * <p>Both rest on the QDQ format keeping every float node of the model under its {@link NodeIds
 * id}: a quantizer only inserts QuantizeLinear/DequantizeLinear (or DynamicQuantizeLinear) nodes,
 * rewires inputs to their outputs and replaces float weights by quantized initializers. Isthmus's
 * quantizer works so, and so does ONNX Runtime's QDQ quantizer when the model's nodes are named.
 */
public final class QuantizedHead {
  private final ModelProto floatModel;
  private final ModelProto int8Model;

  /** The float model as the quantizer prepared it before quantizing (see {@link #prepared}). */
  private final GraphProto reference;

  /** The reference node id of each reference node's output tensor. */
  private final Map<String, String> floatOutputs;

  /** For each int8 node, the float node it works for, or null. */
  private final List<String> owners;

  private QuantizedHead(
      ModelProto floatModel,
      ModelProto int8Model,
      GraphProto reference,
      Map<String, String> floatOutputs,
      List<String> owners) {
    this.floatModel = floatModel;
    this.int8Model = int8Model;
    this.reference = reference;
    this.floatOutputs = floatOutputs;
    this.owners = owners;
  }

  /**
   * {@code int8Model} as the int8 version of {@code floatModel}: the float model is prepared as the
   * quantizer prepares it, and each int8 node is matched with the float node it works for, once.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} if the int8 model lacks a float node
   */
  public static QuantizedHead of(ModelProto floatModel, ModelProto int8Model)
      throws PartitionException {
    GraphProto reference = prepared(floatModel).getGraph();
    GraphProto int8Graph = int8Model.getGraph();
    Map<String, String> floatOutputs = checkKeepsFloatNodes(reference, int8Graph);
    return new QuantizedHead(
        floatModel, int8Model, reference, floatOutputs, owners(reference, floatOutputs, int8Graph));
  }

  /**
   * The int8 model's profile on the float model's node ids. A float node's time is its own kernel's
   * in {@code int8Profile} (after fusion its QLinear kernel carries its name) plus the time of the
   * nodes the quantizer inserted for it: an inserted node is charged to the first float node
   * downstream of it (the consumer of a DequantizeLinear), or upstream when it feeds only model
   * outputs. A node the quantizer folded away (a BatchNormalization into its Conv, a Constant into
   * an initializer) gets 0 ms, its work being in its neighbour's time. Output sizes and input bytes
   * stay {@code floatEdge}'s, since the cut tensors stay float.
   *
   * @param int8Profile a profile of the int8 model, best measured at {@code all} optimisation, as a
   *     gateway runs it
   * @param floatEdge the gateway's profile of the float model
   * @throws PartitionException {@link Code#BAD_INPUT} if the profile is not of the int8 model's
   *     nodes
   */
  public Profile profileOnFloatNodes(Profile int8Profile, Profile floatEdge)
      throws PartitionException {
    GraphProto int8Graph = int8Model.getGraph();
    List<String> int8Ids = NodeIds.of(int8Graph);
    Set<String> missing = new LinkedHashSet<>(int8Ids);
    missing.removeAll(int8Profile.nodes().keySet());
    if (!missing.isEmpty()) {
      throw new PartitionException(
          Code.BAD_INPUT,
          "The int8 profile is not of the int8 model: it lacks nodes "
              + first(missing)
              + " (profile "
              + int8Profile.model()
              + ")");
    }
    Map<String, Double> ms = new HashMap<>();
    Set<String> measured = new HashSet<>();
    double unattributed = int8Profile.unattributedMs();
    for (int i = 0; i < int8Graph.getNodeCount(); i++) {
      NodeProfile kernel = int8Profile.nodes().get(int8Ids.get(i));
      String owner = owners.get(i);
      if (owner == null) {
        unattributed += kernel.ms();
      } else {
        ms.merge(owner, kernel.ms(), Double::sum);
        if (kernel.measured()) {
          measured.add(owner);
        }
      }
    }
    Map<String, NodeProfile> nodes = new LinkedHashMap<>();
    for (String id : NodeIds.of(floatModel.getGraph())) {
      NodeProfile f = floatEdge.nodes().get(id);
      if (f == null) {
        throw new PartitionException(
            Code.BAD_INPUT, "The float edge profile lacks node " + id + " of the float model");
      }
      nodes.put(
          id,
          new NodeProfile(
              f.op(),
              ms.getOrDefault(id, 0.0),
              f.outputBytes(),
              f.outputTensorBytes(),
              measured.contains(id)));
    }
    return new Profile(
        int8Profile.device(),
        floatEdge.model(),
        floatEdge.modelSha256(),
        int8Profile.runs(),
        int8Profile.warmupRuns(),
        int8Profile.threads(),
        int8Profile.graphOptimization(),
        int8Profile.aggregate(),
        int8Profile.derivedFrom(),
        int8Profile.speedFactor(),
        nodes,
        floatEdge.inputBytes(),
        unattributed,
        nodes.values().stream().mapToDouble(NodeProfile::ms).sum());
  }

  /**
   * The size each weight of {@code floatModel} (initializers and Constant outputs, by name) has in
   * {@code int8Model}: a float node's weights shrink in the ratio of the bytes of the int8
   * initializers its int8 form reads (its own, and those of the quantization nodes that work for
   * it, such as a weight's DequantizeLinear) to the bytes of its float weights. A weight read by
   * several nodes takes the largest; a node folded into another (a BatchNormalization into its
   * Conv) keeps none, its weights being in the Conv's.
   */
  public Map<String, Long> weightBytes() {
    GraphProto int8Graph = int8Model.getGraph();
    Map<String, Long> int8Initializers = new HashMap<>();
    int8Graph.getInitializerList().forEach(t -> int8Initializers.put(t.getName(), bytes(t)));
    Map<String, Long> int8BytesByNode = new HashMap<>();
    Map<String, Set<String>> counted = new HashMap<>();
    for (int i = 0; i < int8Graph.getNodeCount(); i++) {
      String owner = owners.get(i);
      if (owner == null) {
        continue;
      }
      for (String input : int8Graph.getNode(i).getInputList()) {
        Long b = int8Initializers.get(input);
        if (b != null && counted.computeIfAbsent(owner, k -> new HashSet<>()).add(input)) {
          int8BytesByNode.merge(owner, b, Long::sum);
        }
      }
    }
    GraphProto graph = floatModel.getGraph();
    Map<String, Long> floatWeights = new HashMap<>();
    graph.getInitializerList().forEach(t -> floatWeights.put(t.getName(), bytes(t)));
    for (NodeProto node : graph.getNodeList()) {
      if (node.getOpType().equals("Constant")
          && node.getAttributeCount() == 1
          && node.getAttribute(0).hasT()) {
        floatWeights.put(node.getOutput(0), bytes(node.getAttribute(0).getT()));
      }
    }
    List<String> ids = NodeIds.of(graph);
    Map<String, Long> result = new HashMap<>();
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto node = graph.getNode(i);
      long floatBytes =
          node.getInputList().stream()
              .distinct()
              .mapToLong(input -> floatWeights.getOrDefault(input, 0L))
              .sum();
      if (floatBytes == 0) {
        continue;
      }
      double ratio = int8BytesByNode.getOrDefault(ids.get(i), 0L) / (double) floatBytes;
      for (String input : node.getInputList()) {
        Long b = floatWeights.get(input);
        if (b != null) {
          result.merge(input, Math.round(b * ratio), Math::max);
        }
      }
    }
    return result;
  }

  /**
   * The model whose {@code headIds} run as in {@code int8Model} and whose other nodes run as in
   * {@code floatModel}: the int8 model with every tail node put back as the float model has it
   * (reading the float tensors and float weights), and the quantization nodes nothing reads any
   * more removed. Tail nodes come from the float model as the quantizer prepares it (see {@link
   * #prepared}), so a folded BatchNormalization runs inside its Conv, on the Conv's side. With no
   * head it computes what the float model computes; with every node in the head, what the int8
   * model computes.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} if a restored node reads a tensor the mixed
   *     model does not have
   */
  public ModelProto mixed(Collection<String> headIds) throws PartitionException {
    GraphProto floatGraph = reference;
    GraphProto int8Graph = int8Model.getGraph();
    List<String> floatIds = NodeIds.of(floatGraph);
    List<String> int8Ids = NodeIds.of(int8Graph);
    Set<String> head = new HashSet<>(headIds);
    Map<String, NodeProto> tail = new HashMap<>();
    for (int i = 0; i < floatGraph.getNodeCount(); i++) {
      if (!head.contains(floatIds.get(i))) {
        tail.put(floatIds.get(i), floatGraph.getNode(i));
      }
    }
    // A tail node goes back at its own place, or, where the quantizer replaced it by several
    // nodes, at the place of the node that produces its output; other producers of a restored
    // output (a DequantizeLinear after a quantized Gather) are dropped.
    Set<String> int8IdSet = new HashSet<>(int8Ids);
    Set<String> placed = new HashSet<>();
    List<NodeProto> nodes = new ArrayList<>();
    for (int i = 0; i < int8Graph.getNodeCount(); i++) {
      String id = int8Ids.get(i);
      NodeProto node = int8Graph.getNode(i);
      if (tail.containsKey(id)) {
        nodes.add(tail.get(id));
        placed.add(id);
        continue;
      }
      if (head.contains(id)) {
        nodes.add(node);
        continue;
      }
      boolean replaced = false;
      for (String output : node.getOutputList()) {
        String owner = floatOutputs.get(output);
        if (owner != null && tail.containsKey(owner)) {
          replaced = true;
          if (!int8IdSet.contains(owner) && placed.add(owner)) {
            nodes.add(tail.get(owner));
          }
        }
      }
      if (!replaced) {
        nodes.add(node);
      }
    }
    Map<String, TensorProto> floatInitializers = new HashMap<>();
    floatGraph.getInitializerList().forEach(t -> floatInitializers.put(t.getName(), t));
    Map<String, TensorProto> initializers = new LinkedHashMap<>();
    int8Graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));

    // Drop nodes nothing reads, from the outputs back, then add the float weights still read.
    Set<String> live = new HashSet<>();
    int8Graph.getOutputList().forEach(v -> live.add(v.getName()));
    boolean[] keep = new boolean[nodes.size()];
    for (int i = nodes.size() - 1; i >= 0; i--) {
      NodeProto node = nodes.get(i);
      if (node.getOutputList().stream().anyMatch(live::contains)) {
        keep[i] = true;
        live.addAll(node.getInputList());
      }
    }
    Set<String> available = new HashSet<>();
    int8Graph.getInputList().forEach(v -> available.add(v.getName()));
    GraphProto.Builder out = int8Graph.toBuilder().clearNode().clearInitializer();
    for (int i = 0; i < nodes.size(); i++) {
      if (keep[i]) {
        out.addNode(nodes.get(i));
        available.addAll(nodes.get(i).getOutputList());
      }
    }
    for (String name : live) {
      TensorProto t = initializers.containsKey(name) ? initializers.get(name) : null;
      if (t == null && !available.contains(name)) {
        t = floatInitializers.get(name);
      }
      if (t != null) {
        out.addInitializer(t);
        available.add(name);
      }
    }
    for (String name : live) {
      if (!name.isEmpty() && !available.contains(name)) {
        throw new PartitionException(
            Code.BAD_INPUT,
            "Cannot put the tail back in float: tensor '"
                + name
                + "' is read but neither the int8 model nor the float model's weights have it");
      }
    }
    Set<String> kept = new HashSet<>(available);
    List<ValueInfoProto> infos =
        out.getValueInfoList().stream().filter(v -> kept.contains(v.getName())).toList();
    out.clearValueInfo().addAllValueInfo(infos);
    return int8Model.toBuilder().setGraph(out).build();
  }

  /**
   * The tensors of {@link #mixed} models that stand for {@code tensors} of the float model: the
   * same names, except where the quantizer folded a BatchNormalization into the Conv producing a
   * tensor, so that the Conv's output is the BatchNormalization's (cutting there sends the
   * normalised tensor, of the same size, and the normalisation runs on the gateway).
   */
  public List<String> cutTensors(List<String> tensors) {
    GraphProto original = floatModel.getGraph();
    List<String> originalIds = NodeIds.of(original);
    Map<String, String> producerId = new HashMap<>();
    for (int i = 0; i < original.getNodeCount(); i++) {
      for (String output : original.getNode(i).getOutputList()) {
        producerId.put(output, originalIds.get(i));
      }
    }
    List<String> referenceIds = NodeIds.of(reference);
    Map<String, NodeProto> byId = new HashMap<>();
    for (int i = 0; i < reference.getNodeCount(); i++) {
      byId.put(referenceIds.get(i), reference.getNode(i));
    }
    List<String> renamed = new ArrayList<>();
    for (String tensor : tensors) {
      NodeProto now = byId.get(producerId.get(tensor));
      boolean folded = now != null && now.getOutputCount() == 1 && !now.getOutput(0).equals(tensor);
      renamed.add(folded ? now.getOutput(0) : tensor);
    }
    return renamed;
  }

  /**
   * The float model as the quantizer rewrites it before quantizing: opset 10 or later, weights in
   * initializers, BatchNormalization folded into the Conv before it. Node ids stay the original
   * ones; a folded node is no node of it, its work being in its Conv's.
   */
  private static ModelProto prepared(ModelProto floatModel) throws PartitionException {
    return FloatGraphPreparation.prepare(OpsetUpgrade.toOpset10(floatModel));
  }

  /**
   * For each node of {@code int8Graph}, the id of the float node it works for: its own id when it
   * is a float node, the float node whose output it produces, else the first such node downstream
   * of it (or upstream, for nodes that feed only model outputs); null if none.
   */
  private static List<String> owners(
      GraphProto reference, Map<String, String> floatOutputs, GraphProto int8Graph) {
    Set<String> floats = new HashSet<>(NodeIds.of(reference));
    List<String> int8Ids = NodeIds.of(int8Graph);
    Map<String, List<Integer>> consumers = new HashMap<>();
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < int8Graph.getNodeCount(); i++) {
      NodeProto node = int8Graph.getNode(i);
      for (String input : node.getInputList()) {
        consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(i);
      }
      for (String output : node.getOutputList()) {
        producer.put(output, i);
      }
    }
    List<String> owners = new ArrayList<>();
    for (int i = 0; i < int8Graph.getNodeCount(); i++) {
      String owner = resolved(int8Graph.getNode(i), int8Ids.get(i), floats, floatOutputs);
      owners.add(
          owner != null
              ? owner
              : owner(i, int8Graph, int8Ids, floats, floatOutputs, consumers, producer));
    }
    return owners;
  }

  private static long bytes(TensorProto t) {
    return io.isthmus.partitioner.profile.TensorSizes.bytes(t);
  }

  /** The float node an inserted node {@code i} works for, or null. */
  private static String owner(
      int i,
      GraphProto graph,
      List<String> ids,
      Set<String> floats,
      Map<String, String> floatOutputs,
      Map<String, List<Integer>> consumers,
      Map<String, Integer> producer) {
    Deque<Integer> queue = new ArrayDeque<>(List.of(i));
    Set<Integer> seen = new HashSet<>(queue);
    while (!queue.isEmpty()) {
      int n = queue.poll();
      for (String output : graph.getNode(n).getOutputList()) {
        for (int c : consumers.getOrDefault(output, List.of())) {
          String found = resolved(graph.getNode(c), ids.get(c), floats, floatOutputs);
          if (found != null) {
            return found;
          }
          if (seen.add(c)) {
            queue.add(c);
          }
        }
      }
    }
    queue.add(i);
    seen.clear();
    seen.add(i);
    while (!queue.isEmpty()) {
      int n = queue.poll();
      for (String input : graph.getNode(n).getInputList()) {
        Integer p = producer.get(input);
        if (p == null) {
          continue;
        }
        String found = resolved(graph.getNode(p), ids.get(p), floats, floatOutputs);
        if (found != null) {
          return found;
        }
        if (seen.add(p)) {
          queue.add(p);
        }
      }
    }
    return null;
  }

  /**
   * The float node an int8 node stands for: the float node of its id, or the float node whose
   * output it produces (the last node of a replacement such as DynamicQuantizeLinear +
   * MatMulInteger + Cast + Mul for a MatMul); else null.
   */
  private static String resolved(
      NodeProto node, String id, Set<String> floats, Map<String, String> floatOutputs) {
    if (floats.contains(id)) {
      return id;
    }
    for (String output : node.getOutputList()) {
      String owner = floatOutputs.get(output);
      if (owner != null) {
        return owner;
      }
    }
    return null;
  }

  /**
   * Checks that every float node is in the int8 graph, under its id or as the producer of its
   * outputs, and gives the float node id of each float node's output tensor.
   */
  private static Map<String, String> checkKeepsFloatNodes(
      GraphProto floatGraph, GraphProto int8Graph) throws PartitionException {
    List<String> floatIds = NodeIds.of(floatGraph);
    Set<String> int8Ids = new HashSet<>(NodeIds.of(int8Graph));
    Set<String> produced = new HashSet<>();
    int8Graph.getNodeList().forEach(n -> produced.addAll(n.getOutputList()));
    Map<String, String> floatOutputs = new HashMap<>();
    Set<String> missing = new LinkedHashSet<>();
    for (int i = 0; i < floatGraph.getNodeCount(); i++) {
      NodeProto node = floatGraph.getNode(i);
      String id = floatIds.get(i);
      node.getOutputList().stream().filter(o -> !o.isEmpty()).forEach(o -> floatOutputs.put(o, id));
      if (!int8Ids.contains(id) && !produced.containsAll(node.getOutputList())) {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      throw new PartitionException(
          Code.BAD_INPUT,
          "The int8 model is not a QDQ version of the float model: it lacks the float nodes "
              + first(missing)
              + " (a quantizer must keep node names or output names; Isthmus's `model quantize`"
              + " does)");
    }
    return floatOutputs;
  }

  private static String first(Collection<String> names) {
    List<String> list = new ArrayList<>(names);
    return list.size() <= 5
        ? list.toString()
        : list.subList(0, 5) + " and " + (list.size() - 5) + " more";
  }
}
