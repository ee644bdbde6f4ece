package io.isthmus.agent.offload;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.split.Splitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A small two-layer network the tests build, {@code y = relu(x W1) W2} for x FP32[1, {@value
 * #WIDTH}], split by the partitioner at the Relu's output {@value #CUT}: {@code full.onnx}, {@code
 * head.onnx} (x to the cut) and {@code tail.onnx} (the cut to y).
 */
public record TinySplitModel(Path full, Path head, Path tail) {
  public static final int WIDTH = 8;
  public static final int HIDDEN = 16;
  public static final String CUT = "r";

  /** Writes the three models into {@code dir}. */
  public static TinySplitModel write(Path dir) throws Exception {
    Random random = new Random(7);
    GraphProto graph =
        GraphProto.newBuilder()
            .setName("tiny")
            .addInput(floats("x", 1, WIDTH))
            .addOutput(floats("y", 1, 1))
            .addInitializer(weights("w1", random, WIDTH, HIDDEN))
            .addInitializer(weights("w2", random, HIDDEN, 1))
            .addNode(node("MatMul", "h", "x", "w1"))
            .addNode(node("Relu", CUT, "h"))
            .addNode(node("MatMul", "y", CUT, "w2"))
            .build();
    ModelProto model =
        ModelProto.newBuilder()
            .setIrVersion(7)
            .setProducerName("isthmus-tests")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
            .setGraph(graph)
            .build();
    Path full = dir.resolve("full.onnx");
    Files.write(full, model.toByteArray());
    ModelGraph parsed = ModelGraph.load(full);
    Path split = dir.resolve("split");
    Files.createDirectories(split);
    Splitter.split(parsed, new CutFinder(parsed).cut(List.of(CUT))).write(split);
    return new TinySplitModel(full, split.resolve("head.onnx"), split.resolve("tail.onnx"));
  }

  private static NodeProto node(String op, String output, String... inputs) {
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output).addOutput(output);
    for (String input : inputs) {
      node.addInput(input);
    }
    return node.build();
  }

  private static TensorProto weights(String name, Random random, int rows, int cols) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .addDims(rows)
            .addDims(cols);
    for (int i = 0; i < rows * cols; i++) {
      tensor.addFloatData((float) random.nextGaussian());
    }
    return tensor.build();
  }

  private static ValueInfoProto floats(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
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
