package io.isthmus.offload.testing;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny ONNX model whose outputs are exactly checkable: {@code y = 2x + 1} (or another scale and
 * offset) for {@code x} of FP32[N, {@value #WIDTH}], with N a dynamic batch dimension (or fixed at
 * 1).
 */
public final class AffineModel {
  public static final int WIDTH = 4;

  private AffineModel() {}

  /** What the model computes. */
  public static float expected(float x) {
    return 2 * x + 1;
  }

  /** Writes the model with a dynamic batch dimension to {@code dir/name.onnx}. */
  public static Path write(Path dir, String name) {
    return write(dir, name, true);
  }

  /** Writes the model; {@code dynamicBatch} false fixes the first dimension at 1. */
  public static Path write(Path dir, String name, boolean dynamicBatch) {
    return write(dir, name, dynamicBatch, 2, 1);
  }

  /** Writes {@code y = scale x + offset}. */
  public static Path write(Path dir, String name, boolean dynamicBatch, float scale, float offset) {
    GraphProto graph =
        GraphProto.newBuilder()
            .setName(name)
            .addInput(valueInfo("x", dynamicBatch))
            .addOutput(valueInfo("y", dynamicBatch))
            .addInitializer(scalar("two", scale))
            .addInitializer(scalar("one", offset))
            .addNode(node("Mul", "twice", "x", "two"))
            .addNode(node("Add", "y", "twice", "one"))
            .build();
    ModelProto model =
        ModelProto.newBuilder()
            .setIrVersion(7)
            .setProducerName("isthmus-tests")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
            .setGraph(graph)
            .build();
    Path file = dir.resolve(name + ".onnx");
    try {
      Files.write(file, model.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private static NodeProto node(String op, String output, String... inputs) {
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
    for (String input : inputs) {
      node.addInput(input);
    }
    return node.build();
  }

  private static TensorProto scalar(String name, float value) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.FLOAT.getNumber())
        .addFloatData(value)
        .build();
  }

  private static ValueInfoProto valueInfo(String name, boolean dynamicBatch) {
    TensorShapeProto.Dimension batch =
        dynamicBatch
            ? TensorShapeProto.Dimension.newBuilder().setDimParam("N").build()
            : TensorShapeProto.Dimension.newBuilder().setDimValue(1).build();
    TensorShapeProto shape =
        TensorShapeProto.newBuilder()
            .addDim(batch)
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(WIDTH))
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
