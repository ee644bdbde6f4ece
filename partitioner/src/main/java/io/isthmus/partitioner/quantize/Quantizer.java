package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.quantize.QuantizeOptions.Mode;
import io.isthmus.partitioner.runtime.TensorData;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Post-training int8 quantization of a float ONNX model: {@link OpsetUpgrade} (opset 9 models) and
 * {@link FloatGraphPreparation}, then a {@link QuantizationPlan}, calibration of the plan's
 * activations in static mode ({@link Calibrator}), and the QDQ rewrite. Stateless; each call works
 * on its own copy of the model.
 */
public final class Quantizer {
  private final ModelProto prepared;
  private final QuantizeOptions options;
  private final QuantizationPlan plan;
  private final Map<String, QuantParams> activationParams;

  private Quantizer(
      ModelProto prepared,
      QuantizeOptions options,
      QuantizationPlan plan,
      Map<String, QuantParams> activationParams) {
    this.prepared = prepared;
    this.options = options;
    this.plan = plan;
    this.activationParams = activationParams;
  }

  /**
   * Prepares {@code model} and, in static mode, calibrates it on {@code calibration} (ignored in
   * dynamic mode).
   *
   * @throws PartitionException {@link Code#BAD_INPUT} for an unknown excluded name, static mode
   *     without calibration inputs, or a model with nothing to quantize; {@link
   *     Code#RUNTIME_FAILED} when ONNX Runtime cannot run the model to calibrate it
   */
  public static Quantizer prepare(
      ModelProto model, QuantizeOptions options, List<Map<String, TensorData>> calibration)
      throws PartitionException {
    ModelProto prepared = FloatGraphPreparation.prepare(OpsetUpgrade.toOpset10(model));
    QuantizationPlan plan = QuantizationPlan.of(prepared, options);
    if (plan.nodes().isEmpty()) {
      throw new PartitionException(
          Code.BAD_INPUT,
          "The model has no node to quantize: it needs Conv, MatMul or Gemm nodes with a constant"
              + " float weight, or Gather over a constant float table, that are not excluded.");
    }
    Map<String, QuantParams> params = new LinkedHashMap<>();
    if (options.mode() == Mode.STATIC) {
      if (calibration.isEmpty()) {
        throw new PartitionException(
            Code.BAD_INPUT, "Static quantization needs at least one calibration input set.");
      }
      // tensors that reuse another one's parameters need no range of their own
      Set<String> calibrated = new LinkedHashSet<>(plan.activations());
      calibrated.removeAll(plan.sameScaleAs().keySet());
      Map<String, ActivationRange> ranges =
          Calibrator.ranges(
              prepared, calibrated, calibration, options.calibration(), options.percentile());
      ranges.forEach(
          (t, r) ->
              params.put(t, QuantParams.activation(r.min(), r.max(), options.signedActivations())));
      plan.sameScaleAs()
          .forEach(
              (t, source) -> {
                if (params.containsKey(source)) {
                  params.put(t, params.get(source));
                }
              });
    }
    return new Quantizer(prepared, options, plan, params);
  }

  /** The plan: which nodes and activations get quantized. */
  public QuantizationPlan plan() {
    return plan;
  }

  /** The float model after constant hoisting and batch-norm folding, which the plan indexes. */
  public ModelProto prepared() {
    return prepared;
  }

  /** The model with every node of the plan quantized. */
  public ModelProto quantize() {
    return QdqRewriter.rewrite(prepared, plan, options, activationParams);
  }

  /** The model with only the plan's nodes whose ids are in {@code nodeIds} quantized. */
  public ModelProto quantizeOnly(Set<String> nodeIds) {
    return QdqRewriter.rewrite(
        prepared, plan.restrictedTo(prepared.getGraph(), nodeIds), options, activationParams);
  }

  /** The model with only the node at {@code position} of {@link #plan()} quantized. */
  public ModelProto quantizeOnly(int position) {
    return QdqRewriter.rewrite(
        prepared, plan.only(prepared.getGraph(), position), options, activationParams);
  }
}
