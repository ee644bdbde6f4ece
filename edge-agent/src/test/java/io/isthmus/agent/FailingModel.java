package io.isthmus.agent;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * An ONNX model [N,256] -> [N,1] that runs on zeros (so it passes the warm-up) and fails on real
 * data: it gathers from a one-element table at index {@code (int) (x * 1000)}, out of bounds for
 * any sample that is not close to zero.
 */
final class FailingModel {
  private FailingModel() {}

  static byte[] onnx() {
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("fails_on_data")
            .addInput(value("window", 256))
            .addOutput(value("score", 1))
            .addInitializer(floats("scale", new long[] {}, 1000f))
            .addInitializer(floats("table", new long[] {1}, 0f))
            .addNode(node("Mul", "scaled", "window", "scale"))
            .addNode(
                node("Cast", "index", "scaled").toBuilder()
                    .addAttribute(
                        AttributeProto.newBuilder()
                            .setName("to")
                            .setType(AttributeProto.AttributeType.INT)
                            .setI(TensorProto.DataType.INT64.getNumber()))
                    .build())
            .addNode(node("Gather", "gathered", "table", "index"))
            .addNode(
                node("ReduceMean", "score", "gathered").toBuilder()
                    .addAttribute(
                        AttributeProto.newBuilder()
                            .setName("axes")
                            .setType(AttributeProto.AttributeType.INTS)
                            .addInts(1))
                    .build())
            .build();
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  private static NodeProto node(String op, String output, String... inputs) {
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
    for (String in : inputs) {
      node.addInput(in);
    }
    return node.build();
  }

  private static TensorProto floats(String name, long[] dims, float value) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    return t.addFloatData(value).build();
  }

  private static ValueInfoProto value(String name, long fixed) {
    TensorShapeProto shape =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(fixed))
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
