package io.isthmus.partitioner.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.runtime.InputShapes;
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
 * used when they give a type and a number for every dimension; the remaining tensors (including
 * those with symbolic dimensions, whose size at the representative input is not declared) are
 * measured by running the model once with ONNX Runtime, with those tensors added as graph outputs,
 * on seeded random inputs whose open dimensions are 1. When the model has open input dimensions it
 * runs a second time with them set to 2, and a dimension that differs between the two runs is
 * recorded as open (-1).
 */
final class TensorShapes {
  private TensorShapes() {}

  static Map<String, TensorInfo> of(
      ModelProto model, GraphScan scan, InputShapes shapes, String source)
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
      if (scan.inputs().contains(tensor)) {
        infos.put(tensor, inputInfo(info, shapes));
      } else if (info != null && fixed(info)) {
        infos.put(tensor, declaredInfo(info));
      } else {
        missing.add(tensor);
      }
    }
    if (!missing.isEmpty()) {
      infos.putAll(measure(model, scan, declared, missing, shapes, source));
    }
    Map<String, TensorInfo> ordered = new LinkedHashMap<>();
    tensors.forEach(t -> ordered.put(t, infos.get(t)));
    return ordered;
  }

  /** Whether the value info gives an element type and a number for every dimension. */
  private static boolean fixed(ValueInfoProto info) {
    if (!info.getType().hasTensorType()) {
      return false;
    }
    TypeProto.Tensor type = info.getType().getTensorType();
    return type.getElemType() != 0
        && type.hasShape()
        && type.getShape().getDimList().stream()
            .allMatch(d -> d.hasDimValue() && d.getDimValue() > 0);
  }

  private static TensorInfo declaredInfo(ValueInfoProto info) {
    int elemType = info.getType().getTensorType().getElemType();
    List<Long> dims = new ArrayList<>();
    for (Dimension d : info.getType().getTensorType().getShape().getDimList()) {
      dims.add(d.getDimValue());
    }
    return new TensorInfo(info.getName(), elemType, dims, bytes(elemType, dims), info);
  }

  /** A graph input: declared dimensions (open ones -1), bytes at the representative shape. */
  private static TensorInfo inputInfo(ValueInfoProto info, InputShapes shapes) {
    int elemType = info.getType().getTensorType().getElemType();
    List<Long> dims = new ArrayList<>();
    for (Dimension d : info.getType().getTensorType().getShape().getDimList()) {
      dims.add(d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1L);
    }
    List<Long> representative = Arrays.stream(shapes.shape(info, 1)).boxed().toList();
    return new TensorInfo(info.getName(), elemType, dims, bytes(elemType, representative), info);
  }

  private static long bytes(int elemType, List<Long> dims) {
    int size = ElementTypes.size(elemType);
    if (size < 0) {
      return -1;
    }
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    return count * size;
  }

  private static Map<String, TensorInfo> measure(
      ModelProto model,
      GraphScan scan,
      Map<String, ValueInfoProto> declared,
      List<String> missing,
      InputShapes shapes,
      String source)
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
        inputs.stream().anyMatch(v -> !Arrays.equals(shapes.shape(v, 1), shapes.shape(v, 2)));
    Map<String, TensorData> one;
    Map<String, TensorData> two = Map.of();
    try (OrtModel probeModel = OrtModel.open(probe, source + " (with every tensor as an output)")) {
      one = probeModel.run(SampleInputs.random(inputs, shapes, 0, 1));
      if (open) {
        two = probeModel.run(SampleInputs.random(inputs, shapes, 0, 2));
      }
    } catch (PartitionException e) {
      throw new PartitionException(
          e.code(),
          e.getMessage()
              + ". The shapes of tensors the model does not declare are measured by running it on"
              + " random inputs with open dimensions 1; if the model needs other input shapes, give"
              + " them with --input-shape NAME=D1,D2,...",
          e);
    }
    Map<String, TensorInfo> measured = new HashMap<>();
    for (String tensor : missing) {
      measured.put(
          tensor, measuredInfo(tensor, one.get(tensor), two.get(tensor), declared.get(tensor)));
    }
    return measured;
  }

  /**
   * The info of a tensor measured as {@code one} (open input dimensions 1) and {@code two} (2, or
   * null when the inputs have no open dimension); dimensions that differ are open. The declared
   * value info is kept for split models when its type and rank agree, for its dimension names.
   */
  private static TensorInfo measuredInfo(
      String tensor, TensorData one, TensorData two, ValueInfoProto declared) {
    if (one == null) {
      return new TensorInfo(
          tensor, 0, List.of(), -1, ValueInfoProto.newBuilder().setName(tensor).build());
    }
    long[] shape = one.shape();
    long[] other = two == null ? shape : two.shape();
    List<Long> dims = new ArrayList<>();
    TensorShapeProto.Builder shapeProto = TensorShapeProto.newBuilder();
    for (int i = 0; i < shape.length; i++) {
      boolean fixed = other.length == shape.length && other[i] == shape[i];
      dims.add(fixed ? shape[i] : -1L);
      shapeProto.addDim(
          fixed ? Dimension.newBuilder().setDimValue(shape[i]) : Dimension.newBuilder());
    }
    boolean keepDeclared =
        declared != null
            && declared.getType().getTensorType().getElemType() == one.elemType()
            && declared.getType().getTensorType().getShape().getDimCount() == shape.length;
    ValueInfoProto info =
        keepDeclared
            ? declared
            : ValueInfoProto.newBuilder()
                .setName(tensor)
                .setType(
                    TypeProto.newBuilder()
                        .setTensorType(
                            TypeProto.Tensor.newBuilder()
                                .setElemType(one.elemType())
                                .setShape(shapeProto)))
                .build();
    return new TensorInfo(tensor, one.elemType(), dims, one.byteSize(), info);
  }
}
