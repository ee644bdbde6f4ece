package io.isthmus.sim.model;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A small builder for float32 ONNX graphs: inputs, initializers, nodes, outputs. */
final class OnnxGraph {
  private final GraphProto.Builder graph;

  OnnxGraph(String name) {
    graph = GraphProto.newBuilder().setName(name);
  }

  /** A float input of shape [dynamic, fixed]. */
  void input(String name, String dynamicDim, long fixedDim) {
    graph.addInput(valueInfo(name, dynamicDim, fixedDim));
  }

  void output(String name, String dynamicDim, long fixedDim) {
    graph.addOutput(valueInfo(name, dynamicDim, fixedDim));
  }

  void initializer(String name, long[] shape, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .setRawData(ByteString.copyFrom(raw.array()));
    for (long d : shape) {
      tensor.addDims(d);
    }
    graph.addInitializer(tensor);
  }

  void node(String op, String output, String... inputs) {
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
    for (String in : inputs) {
      node.addInput(in);
    }
    graph.addNode(node);
  }

  /** ReduceMean over one axis, keeping it (opset 13 takes axes as an attribute). */
  void reduceMean(String output, String input, long axis) {
    graph.addNode(
        NodeProto.newBuilder()
            .setOpType("ReduceMean")
            .setName(output)
            .addInput(input)
            .addOutput(output)
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("axes")
                    .setType(AttributeProto.AttributeType.INTS)
                    .addInts(axis))
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("keepdims")
                    .setType(AttributeProto.AttributeType.INT)
                    .setI(1)));
  }

  GraphProto build() {
    return graph.build();
  }

  private static ValueInfoProto valueInfo(String name, String dynamicDim, long fixedDim) {
    TensorShapeProto shape =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(dynamicDim))
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(fixedDim))
            .build();
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape)))
        .build();
  }
}
