package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.isthmus.partitioner.graph.NodeIds;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a float model into the form the quantizer works on, without changing what it computes:
 * float Constant nodes that feed a weight or an elementwise Add, Mul or Div become initializers
 * (exporters such as Paddle's keep every weight in a Constant node), and a BatchNormalization that
 * alone reads a Conv's output is folded into the Conv's weight and bias, so that one quantized Conv
 * does the work of both. Two rewrites let ONNX Runtime keep more of a CNN in int8, since it has no
 * integer Div or HardSigmoid: a Div by a float constant becomes a Mul by its reciprocal
 * (hard-swish's {@code / 6}), and a HardSigmoid that alone reads a Conv's output becomes a Clip to
 * [0, 1] with its slope and offset folded into the Conv (the squeeze-excitation gates of
 * MobileNetV3), which the QuantizeLinear after it absorbs. Every node is named by its id in the
 * original graph first, so ids stay valid, and rewritten nodes keep their names.
 */
final class FloatGraphPreparation {
  private static final Set<String> WEIGHTED_OPS = Set.of("Conv", "MatMul", "Gemm", "Gather");

  /** Ops whose float constant inputs become initializers too, to be rewritten or quantized. */
  private static final Set<String> CONSTANT_READERS =
      Set.of("BatchNormalization", "Div", "Mul", "Add");

  private FloatGraphPreparation() {}

  static ModelProto prepare(ModelProto model) {
    GraphEdit edit = new GraphEdit(model.getGraph());
    nameNodesByTheirIds(edit);
    hoistConstants(edit);
    foldBatchNorms(edit);
    divisionsToProducts(edit);
    hardSigmoidsToClips(edit, QdqRewriter.onnxOpset(model));
    return model.toBuilder().setGraph(edit.build()).build();
  }

  /**
   * Names every node by its {@link NodeIds id} in the original graph, so that the ids the user sees
   * in {@code partition inspect} and in plans still name the same nodes after nodes are removed
   * (ids of unnamed nodes count node positions).
   */
  private static void nameNodesByTheirIds(GraphEdit edit) {
    List<String> ids = NodeIds.of(edit.original);
    for (int i = 0; i < edit.nodes.size(); i++) {
      if (!edit.nodes.get(i).getName().equals(ids.get(i))) {
        edit.nodes.set(i, edit.nodes.get(i).toBuilder().setName(ids.get(i)).build());
      }
    }
  }

  private static void hoistConstants(GraphEdit edit) {
    Map<String, Integer> weightReads = new HashMap<>();
    for (NodeProto n : edit.nodes) {
      if (WEIGHTED_OPS.contains(n.getOpType()) || CONSTANT_READERS.contains(n.getOpType())) {
        n.getInputList().forEach(i -> weightReads.merge(i, 1, Integer::sum));
      }
    }
    edit.nodes.removeIf(
        n -> {
          if (!n.getOpType().equals("Constant")
              || n.getAttributeCount() != 1
              || !n.getAttribute(0).getName().equals("value")
              || !weightReads.containsKey(n.getOutput(0))) {
            return false;
          }
          TensorProto value = n.getAttribute(0).getT();
          if (!Tensors.isFloat(value)) {
            return false;
          }
          edit.addInitializer(value.toBuilder().setName(n.getOutput(0)).build());
          return true;
        });
  }

  private static void foldBatchNorms(GraphEdit edit) {
    Map<String, Integer> readers = new HashMap<>();
    for (NodeProto n : edit.nodes) {
      n.getInputList().forEach(i -> readers.merge(i, 1, Integer::sum));
    }
    edit.original.getOutputList().forEach(v -> readers.merge(v.getName(), 2, Integer::sum));
    Map<String, Integer> producers = new HashMap<>();
    for (int i = 0; i < edit.nodes.size(); i++) {
      for (String out : edit.nodes.get(i).getOutputList()) {
        producers.put(out, i);
      }
    }
    List<NodeProto> folded = new java.util.ArrayList<>();
    for (int b = 0; b < edit.nodes.size(); b++) {
      NodeProto bn = edit.nodes.get(b);
      if (!bn.getOpType().equals("BatchNormalization") || bn.getOutputCount() != 1) {
        continue;
      }
      Integer c = producers.get(bn.getInput(0));
      if (c == null || readers.getOrDefault(bn.getInput(0), 0) != 1) {
        continue;
      }
      NodeProto conv = edit.nodes.get(c);
      NodeProto withBn = fold(edit, conv, bn);
      if (withBn != null) {
        edit.nodes.set(c, withBn);
        folded.add(bn);
      }
    }
    // removed after the loop, so the indices in producers stay valid while it runs
    edit.nodes.removeAll(folded);
  }

  private static void divisionsToProducts(GraphEdit edit) {
    for (int i = 0; i < edit.nodes.size(); i++) {
      NodeProto div = edit.nodes.get(i);
      TensorProto d =
          div.getOpType().equals("Div") && div.getInputCount() == 2
              ? edit.initializers.get(div.getInput(1))
              : null;
      if (d == null || !Tensors.isFloat(d)) {
        continue;
      }
      float[] values = Tensors.floats(d);
      boolean finite = true;
      for (int k = 0; k < values.length; k++) {
        finite &= values[k] != 0 && Float.isFinite(1 / values[k]);
        values[k] = 1 / values[k];
      }
      if (finite) {
        String r =
            edit.addInitializer(
                Tensors.float32(edit.fresh(d.getName() + "_reciprocal"), Tensors.dims(d), values));
        edit.nodes.set(i, div.toBuilder().setOpType("Mul").setInput(1, r).build());
      }
    }
  }

  private static void hardSigmoidsToClips(GraphEdit edit, long opset) {
    Map<String, Integer> readers = new HashMap<>();
    Map<String, Integer> producers = new HashMap<>();
    for (int i = 0; i < edit.nodes.size(); i++) {
      NodeProto n = edit.nodes.get(i);
      n.getInputList().forEach(in -> readers.merge(in, 1, Integer::sum));
      producers.put(n.getOutput(0), i);
    }
    edit.original.getOutputList().forEach(v -> readers.merge(v.getName(), 2, Integer::sum));
    for (int h = 0; h < edit.nodes.size(); h++) {
      NodeProto hs = edit.nodes.get(h);
      Integer c = hs.getOpType().equals("HardSigmoid") ? producers.get(hs.getInput(0)) : null;
      if (c == null || readers.getOrDefault(hs.getInput(0), 0) != 1) {
        continue;
      }
      NodeProto scaled =
          scaledConv(
              edit,
              edit.nodes.get(c),
              GraphEdit.floatAttribute(hs, "alpha", 0.2f),
              GraphEdit.floatAttribute(hs, "beta", 0.5f));
      if (scaled != null) {
        edit.nodes.set(c, scaled);
        edit.nodes.set(h, clip(edit, hs, opset));
      }
    }
  }

  /** {@code alpha * conv + beta} as one Conv, or null when its weight is not a float constant. */
  private static NodeProto scaledConv(GraphEdit edit, NodeProto conv, float alpha, float beta) {
    if (!conv.getOpType().equals("Conv")) {
      return null;
    }
    TensorProto w = edit.initializers.get(conv.getInput(1));
    TensorProto bias = conv.getInputCount() > 2 ? edit.initializers.get(conv.getInput(2)) : null;
    if (w == null || !Tensors.isFloat(w) || (conv.getInputCount() > 2 && bias == null)) {
      return null;
    }
    long[] dims = Tensors.dims(w);
    float[] weights = Tensors.floats(w);
    int channels = (int) dims[0];
    float[] b = bias == null ? new float[channels] : Tensors.floats(bias);
    for (int k = 0; k < weights.length; k++) {
      weights[k] *= alpha;
    }
    for (int o = 0; o < channels; o++) {
      b[o] = alpha * b[o] + beta;
    }
    String wName =
        edit.addInitializer(Tensors.float32(edit.fresh(w.getName() + "_hs"), dims, weights));
    String bName =
        edit.addInitializer(
            Tensors.float32(edit.fresh(conv.getName() + "_hs_bias"), new long[] {channels}, b));
    return conv.toBuilder()
        .clearInput()
        .addInput(conv.getInput(0))
        .addInput(wName)
        .addInput(bName)
        .build();
  }

  /** A Clip to [0, 1] named as {@code hardSigmoid}: attributes before opset 11, inputs after. */
  private static NodeProto clip(GraphEdit edit, NodeProto hardSigmoid, long opset) {
    NodeProto.Builder clip = hardSigmoid.toBuilder().setOpType("Clip").clearAttribute();
    if (opset < 11) {
      return clip.addAttribute(GraphEdit.floatAttribute("min", 0f))
          .addAttribute(GraphEdit.floatAttribute("max", 1f))
          .build();
    }
    String base = hardSigmoid.getName();
    String lo =
        edit.addInitializer(
            Tensors.float32(edit.fresh(base + "_min"), new long[0], new float[] {0f}));
    String hi =
        edit.addInitializer(
            Tensors.float32(edit.fresh(base + "_max"), new long[0], new float[] {1f}));
    return clip.addInput(lo).addInput(hi).build();
  }

  /** The Conv with {@code bn} folded in, or null when a parameter is not a float constant. */
  private static NodeProto fold(GraphEdit edit, NodeProto conv, NodeProto bn) {
    if (!conv.getOpType().equals("Conv") || bn.getInputCount() != 5) {
      return null;
    }
    TensorProto w = edit.initializers.get(conv.getInput(1));
    TensorProto bias = conv.getInputCount() > 2 ? edit.initializers.get(conv.getInput(2)) : null;
    if (w == null || !Tensors.isFloat(w) || (conv.getInputCount() > 2 && bias == null)) {
      return null;
    }
    float[][] p = new float[4][];
    for (int i = 0; i < 4; i++) {
      TensorProto t = edit.initializers.get(bn.getInput(i + 1));
      if (t == null || !Tensors.isFloat(t)) {
        return null;
      }
      p[i] = Tensors.floats(t);
    }
    float eps = GraphEdit.floatAttribute(bn, "epsilon", 1e-5f);
    long[] dims = Tensors.dims(w);
    float[] weights = Tensors.floats(w);
    int channels = (int) dims[0];
    if (p[0].length != channels) {
      return null;
    }
    int perChannel = weights.length / channels;
    float[] b = bias == null ? new float[channels] : Tensors.floats(bias);
    float[] newBias = new float[channels];
    for (int o = 0; o < channels; o++) {
      double factor = p[0][o] / Math.sqrt(p[3][o] + eps);
      for (int k = 0; k < perChannel; k++) {
        weights[o * perChannel + k] *= (float) factor;
      }
      newBias[o] = (float) ((b[o] - p[2][o]) * factor + p[1][o]);
    }
    String wName =
        edit.addInitializer(Tensors.float32(edit.fresh(w.getName() + "_bn"), dims, weights));
    String bName =
        edit.addInitializer(
            Tensors.float32(
                edit.fresh(conv.getName() + "_bn_bias"), new long[] {channels}, newBias));
    NodeProto.Builder folded =
        conv.toBuilder().clearInput().addInput(conv.getInput(0)).addInput(wName).addInput(bName);
    folded.clearOutput().addOutput(bn.getOutput(0));
    List<AttributeProto> attributes = conv.getAttributeList();
    return folded.clearAttribute().addAllAttribute(attributes).build();
  }
}
