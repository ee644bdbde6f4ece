package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.quantize.QuantizeOptions.CalibrationMethod;
import io.isthmus.partitioner.runtime.OrtModel;
import io.isthmus.partitioner.runtime.TensorData;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Runs the float model on calibration inputs with the activations to quantize as extra outputs, and
 * takes each activation's range: the extremes seen (min-max), or the percentiles of a uniform
 * sample of up to {@link #SAMPLE_SIZE} values per tensor (percentile), which clips rare outliers
 * that would otherwise waste most of the 256 levels.
 */
public final class Calibrator {
  /** Values kept per tensor for the percentile method. */
  static final int SAMPLE_SIZE = 1 << 18;

  private Calibrator() {}

  /**
   * The range of each of {@code tensors} over {@code inputs}.
   *
   * @throws PartitionException when ONNX Runtime cannot run the model or an input is missing
   */
  public static Map<String, ActivationRange> ranges(
      ModelProto model,
      Set<String> tensors,
      List<Map<String, TensorData>> inputs,
      CalibrationMethod method,
      double percentile)
      throws PartitionException {
    GraphProto.Builder graph = model.getGraph().toBuilder();
    Set<String> outputs = new HashSet<>();
    graph.getOutputList().forEach(v -> outputs.add(v.getName()));
    for (String t : tensors) {
      if (outputs.add(t)) {
        graph.addOutput(floatOutput(t));
      }
    }
    Map<String, Observed> observed = new LinkedHashMap<>();
    tensors.forEach(t -> observed.put(t, new Observed(method == CalibrationMethod.PERCENTILE)));
    try (OrtModel ort =
        OrtModel.open(model.toBuilder().setGraph(graph).build().toByteArray(), "calibration")) {
      for (Map<String, TensorData> sample : inputs) {
        Map<String, TensorData> values = ort.run(sample);
        for (Map.Entry<String, Observed> o : observed.entrySet()) {
          TensorData v = values.get(o.getKey());
          if (v != null && v.elemType() == DataType.FLOAT_VALUE) {
            o.getValue().add(v.values());
          }
        }
      }
    }
    Map<String, ActivationRange> ranges = new LinkedHashMap<>();
    for (Map.Entry<String, Observed> o : observed.entrySet()) {
      if (o.getValue().count > 0) {
        ranges.put(o.getKey(), o.getValue().range(percentile));
      }
    }
    return ranges;
  }

  private static ValueInfoProto floatOutput(String name) {
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(DataType.FLOAT_VALUE)))
        .build();
  }

  /**
   * The values seen for one tensor: extremes, and a reservoir sample when percentiles are asked.
   */
  private static final class Observed {
    private final SplittableRandom random = new SplittableRandom(7);
    private final float[] sample;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long count;

    Observed(boolean keepSample) {
      sample = keepSample ? new float[SAMPLE_SIZE] : null;
    }

    void add(double[] values) {
      for (double v : values) {
        if (!Double.isFinite(v)) {
          continue;
        }
        min = Math.min(min, v);
        max = Math.max(max, v);
        if (sample != null) {
          if (count < sample.length) {
            sample[(int) count] = (float) v;
          } else {
            long j = random.nextLong(count + 1);
            if (j < sample.length) {
              sample[(int) j] = (float) v;
            }
          }
        }
        count++;
      }
    }

    ActivationRange range(double percentile) {
      if (sample == null) {
        return new ActivationRange(min, max);
      }
      int n = (int) Math.min(count, sample.length);
      float[] sorted = Arrays.copyOf(sample, n);
      Arrays.sort(sorted);
      int hi = (int) Math.min(n - 1, Math.ceil(percentile / 100 * n) - 1);
      int lo = (int) Math.max(0, Math.floor((100 - percentile) / 100 * n));
      return new ActivationRange(sorted[Math.min(lo, hi)], sorted[Math.max(lo, hi)]);
    }
  }
}
