package io.isthmus.partitioner.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.runtime.OrtModel;
import io.isthmus.partitioner.runtime.SampleInputs;
import io.isthmus.partitioner.runtime.TensorData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Element type, shape and byte size of every graph input and node output. Declared value infos are
 * used when they give a type and a size (a number or a symbol) for every dimension; the remaining
 * tensors are measured by running the model once with ONNX Runtime, with those tensors added as
 * graph outputs, on seeded random inputs whose open dimensions are 1. When the model has open input
 * dimensions it runs a second time with them set to 2, and a dimension that differs between the two
 * runs is recorded as open (-1).
 */
final class TensorShapes {
  private TensorShapes() {}

  static Map<String, TensorInfo> of(ModelProto model, GraphScan scan, String source)
      throws PartitionException {
    GraphProto graph = model.getGraph();
    Map<String, ValueInfoProto> declared = new HashMap<>();
    graph.getValueInfoList().forEach(v -> declared.put(v.getName(), v));
    graph.getOutputList().forEach(v -> declared.put(v.getName(), v));
    graph.getInputList().forEach(v -> declared.put(v.getName(), v));
    List<String> tensors = new ArrayList<>(scan.inputs());
    scan.nodes().forEach(n -> tensors.addAll(n.outputs()));
    Map<String, TensorInfo> infos = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String tensor : tensors) {
      ValueInfoProto info = declared.get(tensor);
      if (info != null && (complete(info) || scan.inputs().contains(tensor))) {
        infos.put(tensor, declaredInfo(info));
      } else {
        missing.add(tensor);
      }
    }
    if (!missing.isEmpty()) {
      infos.putAll(measure(model, scan, missing, source));
    }
    Map<String, TensorInfo> ordered = new LinkedHashMap<>();
    tensors.forEach(t -> ordered.put(t, infos.get(t)));
    return ordered;
  }

  private static boolean complete(ValueInfoProto info) {
    if (!info.getType().hasTensorType()) {
      return false;
    }
    TypeProto.Tensor type = info.getType().getTensorType();
    return type.getElemType() != 0
        && type.hasShape()
        && type.getShape().getDimList().stream().allMatch(d -> d.hasDimValue() || d.hasDimParam());
  }

  private static TensorInfo declaredInfo(ValueInfoProto info) {
    TypeProto.Tensor type = info.getType().getTensorType();
    List<Long> dims = new ArrayList<>();
    for (Dimension d : type.getShape().getDimList()) {
      dims.add(d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1L);
    }
    return new TensorInfo(
        info.getName(), type.getElemType(), dims, bytes(type.getElemType(), dims), info);
  }

  private static long bytes(int elemType, List<Long> dims) {
    int size = ElementTypes.size(elemType);
    if (size < 0) {
      return -1;
    }
    long count = 1;
    for (long d : dims) {
      count *= Math.max(d, 1);
    }
    return count * size;
  }

  private static Map<String, TensorInfo> measure(
      ModelProto model, GraphScan scan, List<String> missing, String source)
      throws PartitionException {
    GraphProto.Builder graph = model.getGraph().toBuilder();
    for (String tensor : missing) {
      if (!scan.outputs().contains(tensor)) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(tensor));
      }
    }
    byte[] probe = model.toBuilder().setGraph(graph).build().toByteArray();
    List<ValueInfoProto> inputs =
        model.getGraph().getInputList().stream()
            .filter(v -> scan.inputs().contains(v.getName()))
            .toList();
    boolean open =
        inputs.stream()
            .anyMatch(v -> !Arrays.equals(SampleInputs.shape(v, 1), SampleInputs.shape(v, 2)));
    Map<String, TensorData> one;
    Map<String, TensorData> two = Map.of();
    try (OrtModel probeModel = OrtModel.open(probe, source + " (with every tensor as an output)")) {
      one = probeModel.run(SampleInputs.random(inputs, 0, 1));
      if (open) {
        two = probeModel.run(SampleInputs.random(inputs, 0, 2));
      }
    }
    Map<String, TensorInfo> measured = new HashMap<>();
    for (String tensor : missing) {
      TensorData value = one.get(tensor);
      if (value == null) {
        measured.put(
            tensor,
            new TensorInfo(
                tensor, 0, List.of(), -1, ValueInfoProto.newBuilder().setName(tensor).build()));
        continue;
      }
      long[] shape = value.shape();
      long[] other = two.containsKey(tensor) ? two.get(tensor).shape() : shape;
      List<Long> dims = new ArrayList<>();
      TensorShapeProto.Builder shapeProto = TensorShapeProto.newBuilder();
      for (int i = 0; i < shape.length; i++) {
        boolean fixed = other.length == shape.length && other[i] == shape[i];
        dims.add(fixed ? shape[i] : -1L);
        shapeProto.addDim(
            fixed ? Dimension.newBuilder().setDimValue(shape[i]) : Dimension.newBuilder());
      }
      ValueInfoProto info =
          ValueInfoProto.newBuilder()
              .setName(tensor)
              .setType(
                  TypeProto.newBuilder()
                      .setTensorType(
                          TypeProto.Tensor.newBuilder()
                              .setElemType(value.elemType())
                              .setShape(shapeProto)))
              .build();
      measured.put(tensor, new TensorInfo(tensor, value.elemType(), dims, value.byteSize(), info));
    }
    return measured;
  }
}
