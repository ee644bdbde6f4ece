package io.isthmus.partitioner.profile;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The inputs a model is profiled with: its declared shapes with open dimensions from the given
 * shapes (else 1), filled with the given values, else uniform floats in [0, 1) and integers 1. The
 * same seed every time, so profiles of one model see the same data.
 */
final class ProfileInputs {
  private final Map<String, long[]> shapes;
  private final Map<String, Double> values;

  ProfileInputs(Map<String, long[]> shapes, Map<String, Double> values) {
    this.shapes = shapes;
    this.values = values;
  }

  /** The bytes of each graph input at the shape it is profiled with (initializers excluded). */
  Map<String, Long> bytes(GraphProto graph) {
    Set<String> initializers = new HashSet<>();
    graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
    Map<String, Long> bytes = new LinkedHashMap<>();
    for (ValueInfoProto input : graph.getInputList()) {
      if (initializers.contains(input.getName()) || !input.getType().hasTensorType()) {
        continue;
      }
      TypeProto.Tensor type = input.getType().getTensorType();
      long[] declared =
          type.getShape().getDimList().stream()
              .mapToLong(d -> d.hasDimValue() ? d.getDimValue() : -1)
              .toArray();
      long count = Arrays.stream(shape(input.getName(), declared)).reduce(1, (a, b) -> a * b);
      bytes.put(input.getName(), count * ElementType.bytesOf(type.getElemType()));
    }
    return bytes;
  }

  /** Inputs of the model's declared shapes, open dimensions as given or 1. */
  Map<String, OnnxTensor> create(OrtEnvironment env, Map<String, NodeInfo> declared)
      throws OrtException {
    Set<String> named = new HashSet<>(shapes.keySet());
    named.addAll(values.keySet());
    for (String name : named) {
      if (!declared.containsKey(name)) {
        throw new IllegalArgumentException(
            "Unknown input name " + name + ", expected one of " + declared.keySet());
      }
    }
    SplittableRandom random = new SplittableRandom(42);
    Map<String, OnnxTensor> tensors = new HashMap<>();
    try {
      for (Map.Entry<String, NodeInfo> input : declared.entrySet()) {
        if (!(input.getValue().getInfo() instanceof TensorInfo info)) {
          throw new IllegalArgumentException(
              "Input " + input.getKey() + " is no tensor; only tensor inputs can be generated");
        }
        long[] shape = shape(input.getKey(), info.getShape());
        int count = Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b));
        Double value = values.get(input.getKey());
        tensors.put(input.getKey(), tensor(env, input.getKey(), info, shape, count, value, random));
      }
      return tensors;
    } catch (OrtException | RuntimeException e) {
      tensors.values().forEach(OnnxTensor::close);
      throw e;
    }
  }

  private long[] shape(String input, long[] declared) {
    long[] given = shapes.get(input);
    if (given == null) {
      return Arrays.stream(declared).map(d -> d < 0 ? 1 : d).toArray();
    }
    if (given.length != declared.length) {
      throw new IllegalArgumentException(
          "Input "
              + input
              + " has rank "
              + declared.length
              + " ("
              + Arrays.toString(declared)
              + "), the given shape "
              + Arrays.toString(given)
              + " has rank "
              + given.length);
    }
    for (int i = 0; i < given.length; i++) {
      if (declared[i] >= 0 && declared[i] != given[i] || given[i] < 1) {
        throw new IllegalArgumentException(
            "Input "
                + input
                + " has shape "
                + Arrays.toString(declared)
                + " (-1 = open), the given shape "
                + Arrays.toString(given)
                + " does not fit it");
      }
    }
    return given.clone();
  }

  private static OnnxTensor tensor(
      OrtEnvironment env,
      String name,
      TensorInfo info,
      long[] shape,
      int count,
      Double value,
      SplittableRandom random)
      throws OrtException {
    // Integer inputs are usually ids, masks or flags: 1 is valid for all three.
    long integer = value == null ? 1 : Math.round(value);
    return switch (info.type) {
      case FLOAT -> {
        float[] data = new float[count];
        for (int i = 0; i < count; i++) {
          data[i] = value == null ? (float) random.nextDouble() : value.floatValue();
        }
        yield OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
      }
      case INT64 -> {
        long[] data = new long[count];
        Arrays.fill(data, integer);
        yield OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape);
      }
      case INT32 -> {
        int[] data = new int[count];
        Arrays.fill(data, Math.toIntExact(integer));
        yield OnnxTensor.createTensor(env, IntBuffer.wrap(data), shape);
      }
      default ->
          throw new IllegalArgumentException(
              "Input "
                  + name
                  + " has element type "
                  + info.type
                  + "; profiling generates FLOAT, INT64 and INT32 inputs only");
    };
  }
}
