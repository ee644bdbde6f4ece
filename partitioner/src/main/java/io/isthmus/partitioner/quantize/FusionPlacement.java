package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Where static mode puts its QuantizeLinear/DequantizeLinear pairs so that ONNX Runtime's QDQ
 * fusions apply, as its own QDQ quantizer places them. ONNX Runtime replaces a node by an integer
 * kernel only when every activation input comes out of a DequantizeLinear and the output goes into
 * a QuantizeLinear alone; one node left in float between two integer ones costs a dequantize and a
 * quantize of the whole tensor. So, after the weighted nodes (Conv, MatMul, Gemm):
 *
 * <ul>
 *   <li>ops with an integer kernel ({@link #INTEGER_KERNELS}: QLinearAdd, QLinearMul,
 *       QLinearConcat, QLinearAveragePool, QLinearGlobalAveragePool, QLinearSigmoid,
 *       QLinearLeakyRelu) join when one of their inputs is already int8, their output goes on to an
 *       int8 reader (or one that may join) and any constant they read is a scalar, with every input
 *       and the output quantized;
 *   <li>ops that only move values ({@link #PASS_THROUGH}) join when their input is int8; their
 *       output reuses the input's scale and zero point, which is what lets ONNX Runtime drop the
 *       pair around them and run them on int8;
 *   <li>a Relu or Clip that alone reads a joined node's output is not wrapped: the pair goes after
 *       it, with its range, and ONNX Runtime removes the activation (the QuantizeLinear clamps the
 *       same way);
 *   <li>a weighted node whose output leaves the model after pass-through ops only (a detector's
 *       regressor head) keeps a float output: quantizing it would round the model's answer and save
 *       no conversion.
 * </ul>
 *
 * Constant inputs of Concat (zero padding) take the Concat output's parameters, so that its inputs
 * need no requantization.
 */
final class FusionPlacement {
  /**
   * Ops ONNX Runtime runs as a QLinear kernel when all activation inputs and the output are QDQ.
   */
  static final Set<String> INTEGER_KERNELS =
      Set.of("Add", "Mul", "Concat", "AveragePool", "GlobalAveragePool", "Sigmoid", "LeakyRelu");

  /** Ops ONNX Runtime runs on int8 when the pair around them has one scale and zero point. */
  static final Set<String> PASS_THROUGH =
      Set.of(
          "MaxPool",
          "Reshape",
          "Transpose",
          "Squeeze",
          "Unsqueeze",
          "Flatten",
          "Resize",
          "Slice",
          "Expand",
          "Tile",
          "Split");

  private static final Set<String> FOLDED_ACTIVATIONS = Set.of("Relu", "Clip");
  private static final int PASSES = 4;

  private final GraphProto graph;
  private final long opset;
  private final Map<String, TensorProto> initializers;
  private final Set<String> graphOutputs = new HashSet<>();
  private final Map<String, List<NodeProto>> consumers = new HashMap<>();
  private final Map<String, NodeProto> producers = new HashMap<>();

  /** Tensors to quantize, in the order they are found. */
  final Set<String> activations = new LinkedHashSet<>();

  /** Tensor to the tensor whose scale and zero point it reuses. */
  final Map<String, String> sameScaleAs = new LinkedHashMap<>();

  /** Output of a joined node to the tensor after the Relu or Clip that carries its pair. */
  final Map<String, String> folded = new LinkedHashMap<>();

  /** Indices of the nodes joined besides the weighted ones. */
  final Set<Integer> joined = new LinkedHashSet<>();

  FusionPlacement(GraphProto graph, long opset, Map<String, TensorProto> initializers) {
    this.graph = graph;
    this.opset = opset;
    this.initializers = initializers;
    graph.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
    for (NodeProto n : graph.getNodeList()) {
      n.getInputList().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n));
      n.getOutputList().forEach(o -> producers.put(o, n));
    }
  }

  /** Quantizes the activation inputs of the weighted node {@code node} and its output. */
  void weighted(NodeProto node, List<String> activationInputs) {
    activationInputs.stream().filter(t -> !initializers.containsKey(t)).forEach(activations::add);
    String out = node.getOutput(0);
    if (!leavesTheModelUnchanged(out, new HashSet<>())) {
      output(out);
    }
  }

  /**
   * Joins the integer-kernel and pass-through nodes that {@code eligible} allows, in graph order
   * and again until nothing changes (a node joins once an input of it is int8).
   */
  void joinNeighbours(IntPredicate eligible) {
    for (int pass = 0; pass < PASSES; pass++) {
      boolean changed = false;
      for (int i = 0; i < graph.getNodeCount(); i++) {
        NodeProto node = graph.getNode(i);
        if (joined.contains(i) || !eligible.test(i)) {
          continue;
        }
        if (INTEGER_KERNELS.contains(node.getOpType()) && joinKernel(node)) {
          joined.add(i);
          changed = true;
        } else if (isPassThrough(node) && joinPassThrough(node)) {
          joined.add(i);
          changed = true;
        }
      }
      if (!changed) {
        return;
      }
    }
  }

  private boolean joinKernel(NodeProto node) {
    String out = node.getOutput(0);
    if (node.getOutputCount() != 1 || graphOutputs.contains(out)) {
      return false;
    }
    List<String> inputs =
        node.getOpType().equals("Concat") ? node.getInputList() : dataInputs(node);
    if (inputs.stream().noneMatch(this::isInt8) || !feedsInt8(out) || hasVectorConstant(node)) {
      return false;
    }
    for (String t : inputs) {
      if (!initializers.containsKey(t) && !isInt8(t)) {
        if (node.getOpType().equals("Concat") && isConstant(t)) {
          sameScaleAs.put(t, out);
        }
        activations.add(t);
      }
    }
    output(out);
    return true;
  }

  private boolean joinPassThrough(NodeProto node) {
    String in = node.getInput(0);
    if (!isInt8(in)) {
      return false;
    }
    for (String out : node.getOutputList()) {
      if (graphOutputs.contains(out)) {
        return false;
      }
    }
    for (String out : node.getOutputList()) {
      activations.add(out);
      sameScaleAs.put(out, in);
    }
    return true;
  }

  /**
   * Whether an Add or Mul takes a constant of more than one value (a transformer's bias vector):
   * the integer kernels hold a constant with one scale for all its values, which rounds small
   * biases next to large ones away.
   */
  private boolean hasVectorConstant(NodeProto node) {
    if (node.getOpType().equals("Concat")) {
      return false;
    }
    for (String t : node.getInputList()) {
      TensorProto c = initializers.get(t);
      if (c != null && Tensors.floats(c).length > 1) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether something reads {@code out} (or the Relu or Clip after it) in int8 or may join: an
   * integer kernel whose output only goes on to float ops would add a conversion for nothing.
   */
  private boolean feedsInt8(String out) {
    List<NodeProto> readers = consumers.getOrDefault(out, List.of());
    if (readers.size() == 1 && isFoldable(readers.get(0))) {
      return feedsInt8(readers.get(0).getOutput(0));
    }
    return isInt8(out)
        || readers.stream()
            .anyMatch(
                r ->
                    INTEGER_KERNELS.contains(r.getOpType())
                        || PASS_THROUGH.contains(r.getOpType()));
  }

  /** The activation inputs of an integer-kernel node (Clip-like attributes aside). */
  private static List<String> dataInputs(NodeProto node) {
    return switch (node.getOpType()) {
      case "Add", "Mul" -> node.getInputList();
      default -> List.of(node.getInput(0));
    };
  }

  private boolean isPassThrough(NodeProto node) {
    if (!PASS_THROUGH.contains(node.getOpType()) || node.getInputCount() == 0) {
      return false;
    }
    // int8 MaxPool exists from opset 12, and only without the indices output
    return !node.getOpType().equals("MaxPool") || (opset >= 12 && node.getOutputCount() == 1);
  }

  /** Quantizes {@code out}, or the output of the Relu or Clip that alone reads it. */
  private void output(String out) {
    if (graphOutputs.contains(out)) {
      return;
    }
    List<NodeProto> readers = consumers.getOrDefault(out, List.of());
    if (readers.size() == 1 && isFoldable(readers.get(0))) {
      String after = readers.get(0).getOutput(0);
      if (!graphOutputs.contains(after)) {
        folded.put(out, after);
        activations.add(after);
        return;
      }
    }
    activations.add(out);
  }

  private boolean isFoldable(NodeProto node) {
    if (!FOLDED_ACTIVATIONS.contains(node.getOpType())) {
      return false;
    }
    for (int i = 1; i < node.getInputCount(); i++) {
      String bound = node.getInput(i);
      if (!bound.isEmpty() && !initializers.containsKey(bound)) {
        return false; // a Clip bound computed at run time
      }
    }
    return true;
  }

  private boolean isInt8(String tensor) {
    return activations.contains(tensor);
  }

  /** Whether {@code tensor} is made from constants only (ConstantOfShape, Constant). */
  private boolean isConstant(String tensor) {
    NodeProto p = producers.get(tensor);
    return initializers.containsKey(tensor)
        || (p != null
            && (p.getOpType().equals("ConstantOfShape") || p.getOpType().equals("Constant")));
  }

  /**
   * Whether every path from {@code tensor} reaches a graph output through pass-through ops only, so
   * that nothing after it could read it in int8.
   */
  private boolean leavesTheModelUnchanged(String tensor, Set<String> seen) {
    if (!seen.add(tensor)) {
      return true;
    }
    List<NodeProto> readers = consumers.getOrDefault(tensor, List.of());
    if (readers.isEmpty()) {
      return graphOutputs.contains(tensor);
    }
    for (NodeProto r : readers) {
      if (!PASS_THROUGH.contains(r.getOpType()) || !r.getInput(0).equals(tensor)) {
        return false;
      }
      for (String out : r.getOutputList()) {
        if (!leavesTheModelUnchanged(out, seen)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The tensor whose parameters {@code tensor} finally uses. */
  String scaleSource(String tensor) {
    String t = tensor;
    for (int i = 0; i < sameScaleAs.size() && sameScaleAs.containsKey(t); i++) {
      t = sameScaleAs.get(t);
    }
    return t;
  }
}
