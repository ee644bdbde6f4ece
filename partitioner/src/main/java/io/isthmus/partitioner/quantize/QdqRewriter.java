package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.quantize.QuantizeOptions.DynamicForm;
import io.isthmus.partitioner.quantize.QuantizeOptions.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a prepared float model by a {@link QuantizationPlan}. Weights become int8 initializers
 * behind DequantizeLinear; activations of the plan get a QuantizeLinear → DequantizeLinear pair
 * right after the node that makes them, and every reader reads the dequantized value; Conv and Gemm
 * biases of nodes with a quantized input become int32 with scale input scale × weight scale, as
 * ONNX Runtime's integer kernels expect. In dynamic mode with {@link DynamicForm#INTEGER}, MatMul
 * and Gemm become DynamicQuantizeLinear + MatMulInteger + Cast + Mul. Models importing ai.onnx
 * below 13 have no per-channel DequantizeLinear (and below 10 none at all), so they get ONNX
 * Runtime's com.microsoft QuantizeLinear/DequantizeLinear, which take the same inputs and an axis.
 */
final class QdqRewriter {
  private static final String MS_DOMAIN = "com.microsoft";

  private final QuantizeOptions options;
  private final Map<String, QuantParams> activationParams;
  private final GraphEdit edit;
  private final String qdqDomain;
  private final boolean integerMatMul;
  private final List<NodeProto> out = new ArrayList<>();
  private final Map<String, String> renamed = new HashMap<>();
  private final Map<String, String> originalNames = new HashMap<>();
  private final Map<String, String> dequantizedWeights = new HashMap<>();
  private final Map<String, QuantParams> weightParams = new HashMap<>();
  private final Map<String, String[]> dynamicInputs = new HashMap<>();
  private final Map<QuantParams, String[]> sharedParams = new IdentityHashMap<>();
  private final Map<Float, String> scalarConstants = new HashMap<>();

  private QdqRewriter(
      ModelProto model, QuantizeOptions options, Map<String, QuantParams> activationParams) {
    this.options = options;
    this.activationParams = activationParams;
    this.edit = new GraphEdit(model.getGraph());
    long opset = onnxOpset(model);
    this.qdqDomain = opset >= 13 || (opset >= 10 && !options.perChannel()) ? "" : MS_DOMAIN;
    this.integerMatMul =
        options.mode() == Mode.DYNAMIC
            && options.dynamicForm() == DynamicForm.INTEGER
            && opset >= 11;
  }

  /** The version of the default operator set {@code model} imports. */
  static long onnxOpset(ModelProto model) {
    return model.getOpsetImportList().stream()
        .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
        .mapToLong(OperatorSetIdProto::getVersion)
        .findFirst()
        .orElse(0);
  }

  /**
   * {@code model} (prepared by {@link FloatGraphPreparation}) quantized by {@code plan}; {@code
   * activationParams} holds the parameters of every activation of the plan.
   */
  static ModelProto rewrite(
      ModelProto model,
      QuantizationPlan plan,
      QuantizeOptions options,
      Map<String, QuantParams> activationParams) {
    return new QdqRewriter(model, options, activationParams).run(model, plan);
  }

  private ModelProto run(ModelProto model, QuantizationPlan plan) {
    Set<Integer> targets = new HashSet<>(plan.nodes());
    for (ValueInfoProto input : edit.original.getInputList()) {
      if (plan.activations().contains(input.getName())) {
        quantizeActivation(input.getName());
      }
    }
    for (int i = 0; i < edit.nodes.size(); i++) {
      NodeProto node = rename(edit.nodes.get(i));
      if (targets.contains(i)) {
        rewriteTarget(node);
      } else {
        out.add(node);
      }
      for (String output : node.getOutputList()) {
        if (plan.activations().contains(output)) {
          quantizeActivation(output);
        }
      }
    }
    edit.nodes.clear();
    edit.nodes.addAll(out);
    ModelProto.Builder result = model.toBuilder().setGraph(edit.build());
    boolean usesMs = out.stream().anyMatch(n -> n.getDomain().equals(MS_DOMAIN));
    boolean importsMs =
        model.getOpsetImportList().stream().anyMatch(o -> o.getDomain().equals(MS_DOMAIN));
    if (usesMs && !importsMs) {
      result.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MS_DOMAIN).setVersion(1));
    }
    return result.build();
  }

  private NodeProto rename(NodeProto node) {
    NodeProto.Builder b = node.toBuilder();
    for (int i = 0; i < node.getInputCount(); i++) {
      String r = renamed.get(node.getInput(i));
      if (r != null) {
        b.setInput(i, r);
      }
    }
    return b.build();
  }

  private void rewriteTarget(NodeProto node) {
    switch (node.getOpType()) {
      case "Conv" -> out.add(withQuantizedWeight(node, 1, options.perChannel() ? 0 : -1));
      case "Gemm" -> {
        int axis = GraphEdit.intAttribute(node, "transB", 0) == 1 ? 0 : 1;
        if (integerMatMul) {
          integerGemm(node);
        } else {
          out.add(withQuantizedWeight(node, 1, options.perChannel() ? axis : -1));
        }
      }
      case "MatMul" -> {
        if (!edit.initializers.containsKey(node.getInput(1))) {
          out.add(node); // two activations: their Q/DQ pairs are all it needs
        } else if (integerMatMul) {
          integerMatMul(node, node.getInput(1), false, 1f, node.getOutput(0));
        } else {
          out.add(withQuantizedWeight(node, 1, options.perChannel() ? 1 : -1));
        }
      }
      case "Gather" -> quantizedGather(node);
      default -> out.add(withQuantizedConstants(node));
    }
  }

  /**
   * {@code node} (an op joined for its integer kernel, see {@link FusionPlacement}) reading its
   * float constants through a DequantizeLinear, as ONNX Runtime's QLinearAdd, QLinearMul and
   * QLinearConcat need: a Concat's constants in the output's parameters, others in their own range.
   * Pass-through ops keep their constants (shapes, axes).
   */
  private NodeProto withQuantizedConstants(NodeProto node) {
    if (!FusionPlacement.INTEGER_KERNELS.contains(node.getOpType())) {
      return node;
    }
    NodeProto.Builder b = node.toBuilder();
    for (int i = 0; i < node.getInputCount(); i++) {
      TensorProto c = edit.initializers.get(node.getInput(i));
      if (c == null || !Tensors.isFloat(c)) {
        continue;
      }
      float[] values = Tensors.floats(c);
      QuantParams p;
      if (node.getOpType().equals("Concat")) {
        p = activationParams.get(node.getOutput(0));
      } else if (values.length == 1 && scalarConstants.containsKey(values[0])) {
        // one dequantized copy per value: hard-swish repeats the same + 3 and * 1/6 in every block
        b.setInput(i, scalarConstants.get(values[0]));
        continue;
      } else {
        float lo = 0;
        float hi = 0;
        for (float v : values) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        p = QuantParams.activation(lo, hi, options.signedActivations());
      }
      if (p != null) {
        String dq = dequantizedConstant(c, values, p);
        b.setInput(i, dq);
        if (values.length == 1 && !node.getOpType().equals("Concat")) {
          scalarConstants.put(values[0], dq);
        }
      }
    }
    return b.build();
  }

  /** {@code c} stored in the activation type with {@code p}, behind a DequantizeLinear. */
  private String dequantizedConstant(TensorProto c, float[] values, QuantParams p) {
    long[] dims = Tensors.dims(c);
    boolean signed = options.signedActivations();
    byte[] q = p.quantizeActivation(values, signed);
    String name = edit.fresh(c.getName() + "_quantized");
    edit.addInitializer(signed ? Tensors.int8(name, dims, q) : Tensors.uint8(name, dims, q));
    String dq = edit.fresh(c.getName() + "_dequantized");
    out.add(dequantize(name, params(c.getName(), p, signed), dq, -1));
    return dq;
  }

  /** {@code node} reading its weight through a DequantizeLinear, and its bias as int32. */
  private NodeProto withQuantizedWeight(NodeProto node, int input, int axis) {
    NodeProto.Builder b = node.toBuilder();
    String weight = node.getInput(input);
    b.setInput(input, dequantizedWeight(weight, axis));
    QuantParams xParams = activationParams.get(originalNames.get(node.getInput(0)));
    if (node.getInputCount() > 2
        && xParams != null
        && edit.initializers.containsKey(node.getInput(2))) {
      String bias = quantizedBias(node.getInput(2), xParams, weightParams.get(weight + "@" + axis));
      if (bias != null) {
        b.setInput(2, bias);
      }
    }
    return b.build();
  }

  /** The name of {@code weight} as int8 behind a DequantizeLinear (made once per axis). */
  private String dequantizedWeight(String weight, int axis) {
    String key = weight + "@" + axis;
    String done = dequantizedWeights.get(key);
    if (done != null) {
      return done;
    }
    TensorProto w = edit.initializers.get(weight);
    long[] dims = Tensors.dims(w);
    float[] values = Tensors.floats(w);
    QuantParams p = QuantParams.symmetricWeights(values, dims, axis);
    String q =
        edit.addInitializer(
            Tensors.int8(edit.fresh(weight + "_quantized"), dims, p.quantizeInt8(values, dims)));
    String[] sz = params(weight, p, true);
    String dq = edit.fresh(weight + "_dequantized");
    out.add(dequantize(q, sz, dq, axis));
    dequantizedWeights.put(key, dq);
    weightParams.put(key, p);
    return dq;
  }

  /** Bias as int32 with scale input scale × weight scale, or null when shapes do not fit. */
  private String quantizedBias(String bias, QuantParams x, QuantParams w) {
    TensorProto b = edit.initializers.get(bias);
    if (w == null || !Tensors.isFloat(b) || b.getDimsCount() != 1) {
      return null;
    }
    float[] values = Tensors.floats(b);
    if (w.axis() >= 0 && w.scales().length != values.length) {
      return null;
    }
    float[] scales = new float[w.scales().length];
    int[] q = new int[values.length];
    for (int c = 0; c < scales.length; c++) {
      scales[c] = x.scales()[0] * w.scales()[c];
    }
    for (int i = 0; i < values.length; i++) {
      q[i] = (int) Math.round(values[i] / (double) scales[w.axis() >= 0 ? i : 0]);
    }
    String qName =
        edit.addInitializer(Tensors.int32(edit.fresh(bias + "_quantized"), Tensors.dims(b), q));
    long[] pd = w.axis() >= 0 ? new long[] {scales.length} : new long[0];
    String s = edit.addInitializer(Tensors.float32(edit.fresh(bias + "_scale"), pd, scales));
    String z =
        edit.addInitializer(
            Tensors.int32(edit.fresh(bias + "_zero_point"), pd, new int[scales.length]));
    String dq = edit.fresh(bias + "_dequantized");
    out.add(dequantize(qName, new String[] {s, z}, dq, w.axis() >= 0 ? 0 : -1));
    return dq;
  }

  /** Q → DQ after {@code tensor}; later readers read the dequantized value. */
  private void quantizeActivation(String tensor) {
    QuantParams p = activationParams.get(tensor);
    if (p == null) {
      return; // never observed in calibration (for example a branch not taken)
    }
    String[] sz = params(tensor, p, options.signedActivations());
    String q = edit.fresh(tensor + "_quantized");
    String dq = edit.fresh(tensor + "_dequantized");
    out.add(
        GraphEdit.node(
            "QuantizeLinear",
            qdqDomain,
            edit.fresh(tensor + "_Q"),
            List.of(tensor, sz[0], sz[1]),
            List.of(q)));
    out.add(dequantize(q, sz, dq, -1));
    renamed.put(tensor, dq);
    originalNames.put(dq, tensor);
  }

  /**
   * Scale and zero-point initializers for {@code p}; returns their names. Activations that share
   * parameters (see {@link QuantizationPlan#sameScaleAs}) share the initializers too.
   */
  private String[] params(String base, QuantParams p, boolean signed) {
    String[] shared = sharedParams.get(p);
    if (shared != null) {
      return shared;
    }
    String s =
        edit.addInitializer(
            Tensors.float32(edit.fresh(base + "_scale"), p.paramDims(), p.scales()));
    String z =
        edit.addInitializer(
            Tensors.zeroPoints(
                edit.fresh(base + "_zero_point"), p.paramDims(), p.zeroPoints(), signed));
    String[] names = {s, z};
    sharedParams.put(p, names);
    return names;
  }

  private NodeProto dequantize(String q, String[] sz, String output, int axis) {
    NodeProto n =
        GraphEdit.node(
            "DequantizeLinear",
            qdqDomain,
            edit.fresh(output + "_DQ"),
            List.of(q, sz[0], sz[1]),
            List.of(output));
    return axis < 0 ? n : n.toBuilder().addAttribute(GraphEdit.intAttribute("axis", axis)).build();
  }

  /** Gather over the int8 table, then DequantizeLinear of the gathered rows only. */
  private void quantizedGather(NodeProto node) {
    String table = node.getInput(0);
    TensorProto t = edit.initializers.get(table);
    long[] dims = Tensors.dims(t);
    float[] values = Tensors.floats(t);
    QuantParams p = QuantParams.symmetricWeights(values, dims, -1);
    String q =
        edit.addInitializer(
            Tensors.int8(edit.fresh(table + "_quantized"), dims, p.quantizeInt8(values, dims)));
    String gathered = edit.fresh(node.getOutput(0) + "_quantized");
    out.add(node.toBuilder().setInput(0, q).setOutput(0, gathered).build());
    out.add(dequantize(gathered, params(table, p, true), node.getOutput(0), -1));
  }

  /**
   * {@code a × weight} as DynamicQuantizeLinear(a) → MatMulInteger → Cast → Mul by the product of
   * both scales (the pattern ONNX Runtime fuses into one DynamicQuantizeMatMul kernel).
   */
  private void integerMatMul(
      NodeProto node, String weight, boolean transpose, float alpha, String output) {
    TensorProto w = edit.initializers.get(weight);
    long[] dims = Tensors.dims(w);
    float[] values = Tensors.floats(w);
    if (transpose) {
      values = transpose(values, (int) dims[0], (int) dims[1]);
      dims = new long[] {dims[1], dims[0]};
    }
    QuantParams p = QuantParams.symmetricWeights(values, dims, options.perChannel() ? 1 : -1);
    float[] scales = p.scales().clone();
    for (int i = 0; i < scales.length; i++) {
      scales[i] *= alpha;
    }
    String base = node.getName().isEmpty() ? node.getOutput(0) : node.getName();
    String q =
        edit.addInitializer(
            Tensors.int8(edit.fresh(weight + "_quantized"), dims, p.quantizeInt8(values, dims)));
    String s =
        edit.addInitializer(Tensors.float32(edit.fresh(weight + "_scale"), p.paramDims(), scales));
    String z =
        edit.addInitializer(
            Tensors.zeroPoints(
                edit.fresh(weight + "_zero_point"), p.paramDims(), p.zeroPoints(), true));
    String[] a = dynamicInputs.computeIfAbsent(node.getInput(0), this::dynamicQuantize);
    String product = edit.fresh(base + "_MatMulInteger_out");
    String asFloat = edit.fresh(base + "_cast_out");
    String scale = edit.fresh(base + "_scales_mul");
    out.add(
        GraphEdit.node(
            "MatMulInteger",
            "",
            edit.fresh(base + "_MatMulInteger"),
            List.of(a[0], q, a[2], z),
            List.of(product)));
    out.add(
        GraphEdit.node("Cast", "", edit.fresh(base + "_Cast"), List.of(product), List.of(asFloat))
            .toBuilder()
            .addAttribute(GraphEdit.intAttribute("to", DataType.FLOAT_VALUE))
            .build());
    out.add(
        GraphEdit.node(
            "Mul", "", edit.fresh(base + "_scales_Mul"), List.of(a[1], s), List.of(scale)));
    out.add(
        GraphEdit.node(
            "Mul", "", edit.fresh(base + "_output_Mul"), List.of(asFloat, scale), List.of(output)));
  }

  private String[] dynamicQuantize(String input) {
    String[] names = {
      edit.fresh(input + "_quantized"),
      edit.fresh(input + "_scale"),
      edit.fresh(input + "_zero_point")
    };
    out.add(
        GraphEdit.node(
            "DynamicQuantizeLinear",
            "",
            edit.fresh(input + "_DynamicQuantizeLinear"),
            List.of(input),
            List.of(names)));
    return names;
  }

  private void integerGemm(NodeProto node) {
    boolean transB = GraphEdit.intAttribute(node, "transB", 0) == 1;
    float alpha = GraphEdit.floatAttribute(node, "alpha", 1f);
    float beta = GraphEdit.floatAttribute(node, "beta", 1f);
    if (node.getInputCount() < 3 || node.getInput(2).isEmpty()) {
      integerMatMul(node, node.getInput(1), transB, alpha, node.getOutput(0));
      return;
    }
    String product = edit.fresh(node.getOutput(0) + "_product");
    integerMatMul(node, node.getInput(1), transB, alpha, product);
    String bias = node.getInput(2);
    TensorProto c = edit.initializers.get(bias);
    if (beta != 1f && c != null && Tensors.isFloat(c)) {
      float[] values = Tensors.floats(c);
      for (int i = 0; i < values.length; i++) {
        values[i] *= beta;
      }
      bias =
          edit.addInitializer(Tensors.float32(edit.fresh(bias + "_beta"), Tensors.dims(c), values));
    } else if (beta != 1f) {
      String betaName =
          edit.addInitializer(
              Tensors.float32(edit.fresh(bias + "_beta"), new long[0], new float[] {beta}));
      String scaled = edit.fresh(bias + "_scaled");
      out.add(
          GraphEdit.node(
              "Mul", "", edit.fresh(bias + "_beta_Mul"), List.of(bias, betaName), List.of(scaled)));
      bias = scaled;
    }
    out.add(
        GraphEdit.node(
            "Add",
            "",
            edit.fresh(node.getOutput(0) + "_bias_Add"),
            List.of(product, bias),
            List.of(node.getOutput(0))));
  }

  private static float[] transpose(float[] values, int rows, int cols) {
    float[] t = new float[values.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = values[r * cols + c];
      }
    }
    return t;
  }
}
