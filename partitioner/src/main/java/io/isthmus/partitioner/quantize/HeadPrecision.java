package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.quantize.QuantizeOptions.CalibrationMethod;
import io.isthmus.partitioner.quantize.QuantizeOptions.DynamicForm;
import io.isthmus.partitioner.quantize.QuantizeOptions.Mode;
import io.isthmus.partitioner.runtime.TensorData;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The accuracy cost of running a cut's head in int8 on the gateway while the tail stays float in
 * the cloud: the model is calibrated once (static, per-channel, percentile ranges), then for each
 * head only the head's nodes are quantized and the whole model's outputs are compared with the
 * float model's on the same inputs.
 */
public final class HeadPrecision {
  private HeadPrecision() {}

  /**
   * The agreement of each int8-head/float-tail model with the float model, by key of {@code heads}
   * (candidate index to head node ids); a head without quantizable nodes agrees fully.
   *
   * @param metric null to choose by the output shapes
   * @throws PartitionException when the model cannot be calibrated or run
   */
  public static Result agreement(
      ModelProto model,
      Map<Integer, List<String>> heads,
      List<Map<String, TensorData>> inputs,
      Agreement metric)
      throws PartitionException {
    QuantizeOptions options =
        new QuantizeOptions(
            Mode.STATIC,
            true,
            false,
            CalibrationMethod.PERCENTILE,
            QuantizeOptions.DEFAULT_PERCENTILE,
            DynamicForm.INTEGER,
            Set.of());
    Quantizer quantizer = Quantizer.prepare(model, options, inputs);
    List<Map<String, TensorData>> reference = run(model, inputs);
    Agreement chosen = metric != null ? metric : Agreement.auto(reference.get(0));
    Map<Integer, Double> result = new LinkedHashMap<>();
    for (Map.Entry<Integer, List<String>> head : heads.entrySet()) {
      Set<String> ids = new HashSet<>(head.getValue());
      if (quantizer.plan().ids().stream().noneMatch(ids::contains)) {
        result.put(head.getKey(), 1.0);
      } else {
        result.put(
            head.getKey(), chosen.measure(reference, run(quantizer.quantizeOnly(ids), inputs)));
      }
    }
    return new Result(chosen, result);
  }

  /**
   * The agreement with the float model of each model whose head (by key of {@code heads}, candidate
   * index to head node ids) runs as in the int8 model and whose tail runs float: the {@link
   * QuantizedHead#mixed mixed} model of each head, on the same inputs.
   *
   * @param metric null to choose by the output shapes
   * @throws PartitionException when a model cannot be built or run
   */
  public static Result agreementOf(
      ModelProto floatModel,
      QuantizedHead int8,
      Map<Integer, List<String>> heads,
      List<Map<String, TensorData>> inputs,
      Agreement metric)
      throws PartitionException {
    List<Map<String, TensorData>> reference = run(floatModel, inputs);
    Agreement chosen = metric != null ? metric : Agreement.auto(reference.get(0));
    Map<Integer, Double> result = new LinkedHashMap<>();
    for (Map.Entry<Integer, List<String>> head : heads.entrySet()) {
      ModelProto mixed = int8.mixed(head.getValue());
      result.put(head.getKey(), chosen.measure(reference, run(mixed, inputs)));
    }
    return new Result(chosen, result);
  }

  /**
   * The agreement of each candidate's int8-head model.
   *
   * @param metric the metric used
   * @param byCandidate agreement by candidate index
   */
  public record Result(Agreement metric, Map<Integer, Double> byCandidate) {}

  private static List<Map<String, TensorData>> run(
      ModelProto model, List<Map<String, TensorData>> inputs) throws PartitionException {
    try (OrtRunner runner = OrtRunner.open(model.toByteArray(), "int8 head", 1)) {
      return runner.runAll(inputs);
    }
  }
}
