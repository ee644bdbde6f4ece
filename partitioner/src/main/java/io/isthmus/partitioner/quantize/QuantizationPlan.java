package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.graph.NodeIds;
import io.isthmus.partitioner.quantize.QuantizeOptions.Mode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * Which nodes of a (prepared) float model get quantized and, in static mode, which activation
 * tensors get a QuantizeLinear/DequantizeLinear pair. Conv, Gemm and MatMul nodes with a constant
 * float weight, Gather nodes over a constant float table, and in static mode MatMul nodes of two
 * activations (attention); in static mode also the nodes around them that ONNX Runtime can run on
 * int8 (see {@link FusionPlacement}). Nodes whose op type or id is excluded stay in float.
 *
 * @param nodes indices into the graph's node list, in order
 * @param ids the node id (see {@link NodeIds}) of each of {@link #nodes}
 * @param activations float tensors to quantize (static mode), never a graph output
 * @param sameScaleAs activations that reuse the scale and zero point of another one (the outputs of
 *     pass-through ops such as MaxPool and Reshape, the zero padding of a Concat), to that one
 * @param folded node outputs read by a Relu or Clip alone, to that activation's output, which
 *     carries the pair instead
 */
public record QuantizationPlan(
    List<Integer> nodes,
    List<String> ids,
    Set<String> activations,
    Map<String, String> sameScaleAs,
    Map<String, String> folded) {
  /** The op types the quantizer knows. */
  public static final Set<String> QUANTIZABLE_OPS = Set.of("Conv", "MatMul", "Gemm", "Gather");

  /**
   * The plan for {@code model} under {@code options}.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} when an excluded name is neither an op type
   *     nor a node id or name of the model
   */
  public static QuantizationPlan of(ModelProto model, QuantizeOptions options)
      throws PartitionException {
    GraphProto graph = model.getGraph();
    List<String> allIds = NodeIds.of(graph);
    checkExcluded(graph, allIds, options.exclude());
    Map<String, TensorProto> initializers =
        graph.getInitializerList().stream()
            .collect(Collectors.toMap(TensorProto::getName, t -> t, (a, b) -> a));
    List<String> ids = new ArrayList<>();
    boolean staticMode = options.mode() == Mode.STATIC;
    FusionPlacement placement =
        new FusionPlacement(graph, QdqRewriter.onnxOpset(model), initializers);
    Set<Integer> targets = new TreeSet<>();
    IntPredicate allowed =
        i ->
            !options.exclude().contains(graph.getNode(i).getOpType())
                && !options.exclude().contains(allIds.get(i))
                && !options.exclude().contains(graph.getNode(i).getName());
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto node = graph.getNode(i);
      if (!allowed.test(i)) {
        continue;
      }
      List<String> activationInputs = activationInputs(node, initializers, staticMode);
      if (activationInputs == null) {
        continue;
      }
      targets.add(i);
      if (staticMode && !node.getOpType().equals("Gather")) {
        placement.weighted(node, activationInputs);
      }
    }
    if (staticMode && !targets.isEmpty()) {
      placement.joinNeighbours(i -> allowed.test(i) && !targets.contains(i));
      targets.addAll(placement.joined);
    }
    List<Integer> nodes = List.copyOf(targets);
    nodes.forEach(i -> ids.add(allIds.get(i)));
    Map<String, String> sameScale = new LinkedHashMap<>();
    placement.sameScaleAs.keySet().forEach(t -> sameScale.put(t, placement.scaleSource(t)));
    return new QuantizationPlan(
        nodes,
        List.copyOf(ids),
        placement.activations,
        Map.copyOf(sameScale),
        Map.copyOf(placement.folded));
  }

  /** The plan restricted to the node at {@code position} in {@link #nodes} and its tensors. */
  public QuantizationPlan only(GraphProto graph, int position) {
    return new QuantizationPlan(
        List.of(nodes.get(position)),
        List.of(ids.get(position)),
        own(graph.getNode(nodes.get(position))),
        sameScaleAs,
        folded);
  }

  /**
   * The plan restricted to the nodes whose ids are in {@code keep} and to their activations, for a
   * model whose head alone is quantized.
   */
  public QuantizationPlan restrictedTo(GraphProto graph, Set<String> keep) {
    List<Integer> kept = new ArrayList<>();
    List<String> keptIds = new ArrayList<>();
    Set<String> own = new LinkedHashSet<>();
    for (int p = 0; p < nodes.size(); p++) {
      if (keep.contains(ids.get(p))) {
        kept.add(nodes.get(p));
        keptIds.add(ids.get(p));
        own.addAll(own(graph.getNode(nodes.get(p))));
      }
    }
    return new QuantizationPlan(List.copyOf(kept), List.copyOf(keptIds), own, sameScaleAs, folded);
  }

  /** The activations around {@code node}: its quantized inputs and outputs. */
  private Set<String> own(NodeProto node) {
    Set<String> own = new LinkedHashSet<>();
    for (String t : node.getInputList()) {
      if (activations.contains(t)) {
        own.add(t);
      }
    }
    for (String t : node.getOutputList()) {
      String carrier = folded.getOrDefault(t, t);
      if (activations.contains(carrier)) {
        own.add(carrier);
      }
    }
    return own;
  }

  /**
   * The activation inputs of a node that can be quantized, or null when the node cannot be: the
   * float weight it needs is not a constant.
   */
  private static List<String> activationInputs(
      NodeProto node, Map<String, TensorProto> initializers, boolean staticMode) {
    switch (node.getOpType()) {
      case "Conv":
        return isFloatConstant(node, 1, initializers) ? List.of(node.getInput(0)) : null;
      case "Gemm":
        return isFloatConstant(node, 1, initializers)
                && initializers.get(node.getInput(1)).getDimsCount() == 2
                && GraphEdit.intAttribute(node, "transA", 0) == 0
            ? List.of(node.getInput(0))
            : null;
      case "MatMul":
        if (isFloatConstant(node, 1, initializers)
            && initializers.get(node.getInput(1)).getDimsCount() == 2) {
          return List.of(node.getInput(0));
        }
        return staticMode
                && !initializers.containsKey(node.getInput(0))
                && !initializers.containsKey(node.getInput(1))
            ? List.of(node.getInput(0), node.getInput(1))
            : null;
      case "Gather":
        return isFloatConstant(node, 0, initializers)
                && GraphEdit.intAttribute(node, "axis", 0) == 0
            ? List.of()
            : null;
      default:
        return null;
    }
  }

  private static boolean isFloatConstant(
      NodeProto node, int input, Map<String, TensorProto> initializers) {
    if (node.getInputCount() <= input) {
      return false;
    }
    TensorProto t = initializers.get(node.getInput(input));
    return t != null && Tensors.isFloat(t);
  }

  private static void checkExcluded(GraphProto graph, List<String> ids, Set<String> exclude)
      throws PartitionException {
    Set<String> known = new HashSet<>(ids);
    Set<String> ops = new TreeSet<>();
    for (NodeProto node : graph.getNodeList()) {
      known.add(node.getName());
      ops.add(node.getOpType());
    }
    known.addAll(ops);
    List<String> unknown = exclude.stream().filter(e -> !known.contains(e)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw new PartitionException(
          Code.BAD_INPUT,
          "--exclude names "
              + unknown
              + ", which is neither an op type nor a node of the model. Op types in the model: "
              + ops
              + "; node ids are listed by 'partition inspect MODEL'.");
    }
  }
}
