package io.isthmus.partitioner.quantize;

import static io.isthmus.partitioner.testing.TestGraphs.input;
import static io.isthmus.partitioner.testing.TestGraphs.node;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.isthmus.partitioner.testing.TestGraphs;
import java.util.List;
import java.util.SplittableRandom;

/** Small float models with weights for the quantizer's tests. */
final class QuantGraphs {
  private QuantGraphs() {}

  /**
   * {@code x[1,8] -> MM(MatMul w[8,6]) -> m -> R(Relu) -> r -> G(Gemm w2[4,6] transB, c[4]) ->
   * y[1,4]} with seeded random weights.
   */
  static ModelProto matMulGemm() {
    SplittableRandom random = new SplittableRandom(3);
    return TestGraphs.model(
        GraphProto.newBuilder()
            .setName("mlp")
            .addInput(input("x", DataType.FLOAT, 1, 8))
            .addInitializer(tensor("w", random, 8, 6))
            .addInitializer(tensor("w2", random, 4, 6))
            .addInitializer(tensor("c", random, 4))
            .addNode(node("MatMul", "MM", List.of("x", "w"), "m"))
            .addNode(node("Relu", "R", List.of("m"), "r"))
            .addNode(
                node("Gemm", "G", List.of("r", "w2", "c"), "y").toBuilder()
                    .addAttribute(
                        AttributeProto.newBuilder()
                            .setName("transB")
                            .setType(AttributeProto.AttributeType.INT)
                            .setI(1))
                    .build())
            .addOutput(input("y", DataType.FLOAT, 1, 4))
            .build());
  }

  /** {@code x[1,2,4,4] -> C(Conv w[3,2,1,1]) -> c -> B(BatchNormalization) -> y[1,3,4,4]}. */
  static ModelProto convBatchNorm() {
    SplittableRandom random = new SplittableRandom(5);
    return TestGraphs.model(
        withInputX("conv_bn", 1, 2, 4, 4)
            .addInitializer(tensor("w", random, 3, 2, 1, 1))
            .addInitializer(tensor("scale", random, 3))
            .addInitializer(tensor("bias", random, 3))
            .addInitializer(tensor("mean", random, 3))
            .addInitializer(TestGraphs.floats("var", 0.5f, 1f, 2f))
            .addNode(node("Conv", "C", List.of("x", "w"), "c"))
            .addNode(
                node("BatchNormalization", "B", List.of("c", "scale", "bias", "mean", "var"), "y"))
            .addOutput(input("y", DataType.FLOAT, 1, 3, 4, 4))
            .build());
  }

  /**
   * A transformer-style bias and residual: {@code x[1,8] -> M1(MatMul w[8,8]) -> m -> B(Add m +
   * bias[8]) -> b -> S(Add b + x) -> s -> M2(MatMul w2[8,4]) -> y[1,4]}.
   */
  static ModelProto biasAndResidual() {
    List<TensorProto> constants =
        List.of(
            tensor("w", new SplittableRandom(17), 8, 8),
            tensor("bias", new SplittableRandom(18), 8),
            tensor("w2", new SplittableRandom(19), 8, 4));
    GraphProto.Builder graph = withInputX("bias_residual", 1, 8).addAllInitializer(constants);
    graph.addNode(node("MatMul", "M1", List.of("x", "w"), "m"));
    graph.addNode(node("Add", "B", List.of("m", "bias"), "b"));
    graph.addNode(node("Add", "S", List.of("b", "x"), "s"));
    graph.addNode(node("MatMul", "M2", List.of("s", "w2"), "y"));
    return TestGraphs.model(graph.addOutput(input("y", DataType.FLOAT, 1, 4)).build());
  }

  /**
   * A squeeze-excitation gate and a division: {@code x[1,2,4,4] -> C(Conv w[3,2,1,1], b) -> c ->
   * G(HardSigmoid alpha 3, beta 0.4) -> g -> D(Div by 4) -> y[1,3,4,4]}.
   */
  static ModelProto hardSigmoidGate() {
    List<TensorProto> constants =
        List.of(
            tensor("w", new SplittableRandom(13), 3, 2, 1, 1),
            tensor("b", new SplittableRandom(14), 3),
            TestGraphs.floats("four", 4f));
    NodeProto gate =
        node("HardSigmoid", "G", List.of("c"), "g").toBuilder()
            .addAttribute(GraphEdit.floatAttribute("alpha", 3f))
            .addAttribute(GraphEdit.floatAttribute("beta", 0.4f))
            .build();
    GraphProto.Builder graph = withInputX("gate", 1, 2, 4, 4).addAllInitializer(constants);
    graph.addNode(node("Conv", "C", List.of("x", "w", "b"), "c")).addNode(gate);
    graph.addNode(node("Div", "D", List.of("g", "four"), "y"));
    return TestGraphs.model(graph.addOutput(input("y", DataType.FLOAT, 1, 3, 4, 4)).build());
  }

  /**
   * A residual CNN block with a detector-style head: {@code x[1,4,8,8] -> C1(Conv 3x3) -> c1 ->
   * R1(Relu) -> r1 -> P(MaxPool 2x2) -> p -> C2(Conv 1x1) -> c2 -> A(Add c2 + p) -> a -> R2(Relu)
   * -> r2 -> S(Div by 2) -> s -> H(Conv 1x1) -> h -> T(Transpose) -> y[1,4,4,6]}.
   */
  static ModelProto residualBlock() {
    SplittableRandom random = new SplittableRandom(11);
    return TestGraphs.model(
        withInputX("residual", 1, 4, 8, 8)
            .addAllInitializer(
                List.of(
                    tensor("w1", random, 8, 4, 3, 3),
                    tensor("w2", random, 8, 8, 1, 1),
                    tensor("w3", random, 6, 8, 1, 1),
                    tensor("b3", random, 6),
                    TestGraphs.floats("two", 2f)))
            .addNode(
                node("Conv", "C1", List.of("x", "w1"), "c1").toBuilder()
                    .addAttribute(ints("pads", 1, 1, 1, 1))
                    .build())
            .addNode(node("Relu", "R1", List.of("c1"), "r1"))
            .addNode(
                node("MaxPool", "P", List.of("r1"), "p").toBuilder()
                    .addAttribute(ints("kernel_shape", 2, 2))
                    .addAttribute(ints("strides", 2, 2))
                    .build())
            .addNode(node("Conv", "C2", List.of("p", "w2"), "c2"))
            .addNode(node("Add", "A", List.of("c2", "p"), "a"))
            .addNode(node("Relu", "R2", List.of("a"), "r2"))
            .addNode(node("Div", "S", List.of("r2", "two"), "s"))
            .addNode(node("Conv", "H", List.of("s", "w3", "b3"), "h"))
            .addNode(
                node("Transpose", "T", List.of("h"), "y").toBuilder()
                    .addAttribute(ints("perm", 0, 2, 3, 1))
                    .build())
            .addOutput(input("y", DataType.FLOAT, 1, 4, 4, 6))
            .build());
  }

  /** A graph named {@code name} with one float input {@code x} of shape {@code dims}. */
  private static GraphProto.Builder withInputX(String name, long... dims) {
    return GraphProto.newBuilder().setName(name).addInput(input("x", DataType.FLOAT, dims));
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static TensorProto tensor(String name, SplittableRandom random, long... dims) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE);
    long n = 1;
    for (long d : dims) {
      t.addDims(d);
      n *= d;
    }
    for (long i = 0; i < n; i++) {
      t.addFloatData((float) (random.nextDouble() * 2 - 1));
    }
    return t.build();
  }
}
