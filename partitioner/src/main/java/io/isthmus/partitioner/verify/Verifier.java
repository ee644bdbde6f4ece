package io.isthmus.partitioner.verify;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.OrtModel;
import io.isthmus.partitioner.runtime.SampleInputs;
import io.isthmus.partitioner.runtime.TensorData;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks that a head and a tail compute what the full model computes: runs the full model, then the
 * head and the tail (feeding the tail the head's outputs and the graph inputs it takes) on the same
 * inputs, and compares every graph output. All three run with ONNX Runtime's graph optimisation off
 * (see {@link OrtModel}), so fusions that only one side can make do not show up as differences.
 * Graph outputs are taken from whichever half delivers them (the head returns those it computes).
 */
public final class Verifier implements AutoCloseable {
  /** The largest absolute difference that passes for fp32 outputs. */
  public static final double TOLERANCE = 1e-5;

  private final OrtModel full;
  private final List<ValueInfoProto> inputs;
  private final InputShapes shapes;

  private Verifier(OrtModel full, List<ValueInfoProto> inputs, InputShapes shapes) {
    this.full = full;
    this.inputs = inputs;
    this.shapes = shapes;
  }

  /**
   * Loads the full model.
   *
   * @throws PartitionException when ONNX Runtime cannot load it
   */
  public static Verifier open(ModelProto model, String name) throws PartitionException {
    return open(model, name, InputShapes.NONE);
  }

  /**
   * Loads the full model; random inputs are shaped by {@code shapes} where it names them.
   *
   * @throws PartitionException when ONNX Runtime cannot load it, or {@code shapes} names an input
   *     the model lacks
   */
  public static Verifier open(ModelProto model, String name, InputShapes shapes)
      throws PartitionException {
    Set<String> initializers =
        model.getGraph().getInitializerList().stream()
            .map(t -> t.getName())
            .collect(Collectors.toSet());
    List<ValueInfoProto> inputs =
        model.getGraph().getInputList().stream()
            .filter(v -> !initializers.contains(v.getName()))
            .toList();
    shapes.check(inputs.stream().map(ValueInfoProto::getName).toList());
    return new Verifier(OrtModel.open(model.toByteArray(), name), inputs, shapes);
  }

  /** The full model's graph inputs (initializers left out). */
  public List<ValueInfoProto> inputs() {
    return inputs;
  }

  /**
   * Seeded random values for every graph input, open dimensions 1 unless the input shapes given to
   * {@link #open(ModelProto, String, InputShapes)} say otherwise (see {@link SampleInputs}).
   *
   * @throws IllegalArgumentException for an input random values cannot fill
   */
  public Map<String, TensorData> randomInputs(long seed) {
    return SampleInputs.random(inputs, shapes, seed, 1);
  }

  /**
   * Compares the full model with head→tail on each input set.
   *
   * @throws PartitionException when a half cannot be loaded or run
   */
  public VerifyReport verify(byte[] head, byte[] tail, List<Map<String, TensorData>> inputSets)
      throws PartitionException {
    Map<String, Double> diffs = new LinkedHashMap<>();
    try (OrtModel headModel = OrtModel.open(head, "the head");
        OrtModel tailModel = OrtModel.open(tail, "the tail")) {
      for (Map<String, TensorData> values : inputSets) {
        Map<String, TensorData> expected = full.run(values);
        Map<String, TensorData> headOut = headModel.run(values);
        Map<String, TensorData> tailIn = new HashMap<>(values);
        tailIn.putAll(headOut);
        Map<String, TensorData> actual = new HashMap<>(headOut);
        actual.putAll(tailModel.run(tailIn));
        for (Map.Entry<String, TensorData> output : expected.entrySet()) {
          double diff = difference(output.getValue(), actual.get(output.getKey()));
          diffs.merge(output.getKey(), diff, Math::max);
        }
      }
    }
    return new VerifyReport(diffs, inputSets.size(), TOLERANCE);
  }

  /** The largest absolute element difference; infinite when missing or shaped differently. */
  static double difference(TensorData expected, TensorData actual) {
    if (actual == null
        || actual.elemType() != expected.elemType()
        || !Arrays.equals(actual.shape(), expected.shape())) {
      return Double.POSITIVE_INFINITY;
    }
    double[] a = expected.values();
    double[] b = actual.values();
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b[i]) {
        continue;
      }
      if (Double.isNaN(a[i]) || Double.isNaN(b[i])) {
        if (Double.isNaN(a[i]) != Double.isNaN(b[i])) {
          return Double.POSITIVE_INFINITY;
        }
        continue;
      }
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  @Override
  public void close() throws PartitionException {
    full.close();
  }
}
