package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.runtime.TensorData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What quantization did to a model: sizes, median latency of both models in ONNX Runtime with all
 * optimisations and the same threads (timed in turns, run by run), agreement with the float model
 * on the calibration and on the held-aside inputs, the nodes by op type, and (when measured) each
 * quantized node's sensitivity.
 *
 * @param floatBytes size of the float model file
 * @param quantizedBytes size of the quantized model
 * @param threads intra-op threads of both latency runs
 * @param floatMillis median latency of the float model
 * @param quantizedMillis median latency of the quantized model
 * @param metric the agreement metric
 * @param calibrationAgreement agreement on the calibration inputs
 * @param calibrationSamples how many calibration input sets
 * @param heldOutAgreement agreement on the held-aside inputs (NaN when there are none)
 * @param heldOutSamples how many held-aside input sets
 * @param quantizedOps quantized nodes per op type
 * @param sensitivity per node, worst first: the output error when only that node is quantized
 */
public record QuantizationReport(
    long floatBytes,
    long quantizedBytes,
    int threads,
    double floatMillis,
    double quantizedMillis,
    Agreement metric,
    double calibrationAgreement,
    int calibrationSamples,
    double heldOutAgreement,
    int heldOutSamples,
    Map<String, Integer> quantizedOps,
    List<NodeSensitivity> sensitivity) {

  /**
   * One node's sensitivity: the relative L2 error of the model outputs (see {@link
   * Agreement#relativeError}) when only this node is quantized.
   *
   * @param node the node id
   * @param opType its op type
   * @param error the relative L2 error of the outputs against the float model's
   */
  public record NodeSensitivity(String node, String opType, double error) {}

  /** How to measure. */
  public record Settings(
      int threads, int warmup, int runs, boolean sensitivity, int sensitivitySamples) {}

  /**
   * Measures {@code quantized} against {@code original}; {@code quantizer} (null for a model
   * quantized elsewhere) gives the op counts and the per-node sensitivity.
   *
   * @param metric null to choose by the output shapes ({@link Agreement#auto})
   * @throws PartitionException when ONNX Runtime cannot load or run a model
   */
  public static QuantizationReport measure(
      ModelProto original,
      ModelProto quantized,
      Quantizer quantizer,
      List<Map<String, TensorData>> calibration,
      List<Map<String, TensorData>> heldOut,
      Agreement metric,
      Settings settings)
      throws PartitionException {
    byte[] floatBytes = original.toByteArray();
    byte[] quantizedBytes = quantized.toByteArray();
    List<Map<String, TensorData>> floatCalibration;
    Agreement chosen;
    double calibrationAgreement;
    double heldOutAgreement = Double.NaN;
    double[] millis;
    try (OrtRunner f = OrtRunner.open(floatBytes, "the float model", settings.threads());
        OrtRunner q = OrtRunner.open(quantizedBytes, "the quantized model", settings.threads())) {
      floatCalibration = f.runAll(calibration);
      chosen = metric != null ? metric : Agreement.auto(floatCalibration.get(0));
      calibrationAgreement = chosen.measure(floatCalibration, q.runAll(calibration));
      if (!heldOut.isEmpty()) {
        heldOutAgreement = chosen.measure(f.runAll(heldOut), q.runAll(heldOut));
      }
      millis =
          OrtRunner.medianMillis(
              List.of(f, q), calibration.get(0), settings.warmup(), settings.runs());
    }
    double floatMillis = millis[0];
    double quantizedMillis = millis[1];
    Map<String, Integer> ops = new TreeMap<>();
    for (int i : quantizer == null ? List.<Integer>of() : quantizer.plan().nodes()) {
      ops.merge(quantizer.prepared().getGraph().getNode(i).getOpType(), 1, Integer::sum);
    }
    List<NodeSensitivity> sensitivity =
        settings.sensitivity() && quantizer != null
            ? sensitivity(
                quantizer,
                calibration.subList(0, Math.min(settings.sensitivitySamples(), calibration.size())),
                floatCalibration,
                settings.threads())
            : List.of();
    return new QuantizationReport(
        floatBytes.length,
        quantizedBytes.length,
        settings.threads(),
        floatMillis,
        quantizedMillis,
        chosen,
        calibrationAgreement,
        calibration.size(),
        heldOutAgreement,
        heldOut.size(),
        ops,
        sensitivity);
  }

  /**
   * Each quantizable node's sensitivity on {@code inputs}, worst first: the relative output error
   * of the model with only that node quantized.
   *
   * @throws PartitionException when ONNX Runtime cannot load or run a model
   */
  public static List<NodeSensitivity> sensitivity(
      Quantizer quantizer, List<Map<String, TensorData>> inputs, int threads)
      throws PartitionException {
    try (OrtRunner f =
        OrtRunner.open(quantizer.prepared().toByteArray(), "the float model", threads)) {
      return sensitivity(quantizer, inputs, f.runAll(inputs), threads);
    }
  }

  private static List<NodeSensitivity> sensitivity(
      Quantizer quantizer,
      List<Map<String, TensorData>> inputs,
      List<Map<String, TensorData>> floatOutputs,
      int threads)
      throws PartitionException {
    List<Map<String, TensorData>> reference = floatOutputs.subList(0, inputs.size());
    List<NodeSensitivity> result = new ArrayList<>();
    for (int p = 0; p < quantizer.plan().nodes().size(); p++) {
      NodeProto node = quantizer.prepared().getGraph().getNode(quantizer.plan().nodes().get(p));
      String id = quantizer.plan().ids().get(p);
      try (OrtRunner q = OrtRunner.open(quantizer.quantizeOnly(p).toByteArray(), id, threads)) {
        double error = Agreement.relativeError(reference, q.runAll(inputs));
        result.add(new NodeSensitivity(id, node.getOpType(), error));
      }
    }
    result.sort(Comparator.comparingDouble(NodeSensitivity::error).reversed());
    return result;
  }

  /** A few lines for a terminal; {@code worst} sensitivity rows at most. */
  public String text(int worst) {
    StringBuilder s = new StringBuilder();
    if (!quantizedOps.isEmpty()) {
      s.append(String.format("quantized nodes  %s%n", quantizedOps));
    }
    s.append(
        String.format(
            "size             %.1f KB -> %.1f KB (%.2fx smaller)%n",
            floatBytes / 1024.0, quantizedBytes / 1024.0, (double) floatBytes / quantizedBytes));
    s.append(
        String.format(
            "latency          %.3f ms -> %.3f ms (ONNX Runtime, %d thread%s, median)%n",
            floatMillis, quantizedMillis, threads, threads == 1 ? "" : "s"));
    s.append(
        String.format(
            "agreement        %s %.4f on %d calibration input set%s",
            metric.name().toLowerCase(java.util.Locale.ROOT),
            calibrationAgreement,
            calibrationSamples,
            calibrationSamples == 1 ? "" : "s"));
    if (heldOutSamples > 0) {
      s.append(String.format(", %.4f on %d held aside", heldOutAgreement, heldOutSamples));
    }
    s.append(String.format("%n"));
    if (!sensitivity.isEmpty()) {
      s.append(
          String.format(
              "most sensitive nodes (relative output error when only that node is quantized):%n"));
      for (NodeSensitivity n : sensitivity.subList(0, Math.min(worst, sensitivity.size()))) {
        s.append(String.format("  %-40s %-8s %.3g%n", n.node(), n.opType(), n.error()));
      }
    }
    return s.toString();
  }
}
