package io.isthmus.partitioner.testing;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;

/** Small ONNX models built with the OnnxMl classes, for tests whose answers are worked by hand. */
public final class TestGraphs {
  public static final long OPSET = 17;
  public static final long IR_VERSION = 8;

  private TestGraphs() {}

  /**
   * The diamond {@code x -> A(Relu) -> a -> {B(Sigmoid) -> b, C(Abs) -> c} -> D(Add) -> y}, x
   * float32 [N,4]. No value infos: shapes must be measured.
   */
  public static ModelProto diamond() {
    return model(
        GraphProto.newBuilder()
            .setName("diamond")
            .addInput(input("x", DataType.FLOAT, -1, 4))
            .addNode(node("Relu", "A", List.of("x"), "a"))
            .addNode(node("Sigmoid", "B", List.of("a"), "b"))
            .addNode(node("Abs", "C", List.of("a"), "c"))
            .addNode(node("Add", "D", List.of("b", "c"), "y"))
            .addOutput(input("y", DataType.FLOAT, -1, 4))
            .build());
  }

  /**
   * The chain {@code x -> M(Mul w1) -> m -> R(Relu) -> r -> P(Add w2) -> y}, x float32 [2,3]; w1 is
   * read only by M, w2 only by P, and an unused initializer {@code spare} is read by none.
   */
  public static ModelProto chainWithWeights() {
    return model(
        GraphProto.newBuilder()
            .setName("chain")
            .addInput(input("x", DataType.FLOAT, 2, 3))
            .addInitializer(floats("w1", 0.5f, -1f, 2f))
            .addInitializer(floats("w2", 1f, 2f, 3f))
            .addInitializer(floats("spare", 9f, 9f, 9f))
            .addNode(node("Mul", "M", List.of("x", "w1"), "m"))
            .addNode(node("Relu", "R", List.of("m"), "r"))
            .addNode(node("Add", "P", List.of("r", "w2"), "y"))
            .addOutput(input("y", DataType.FLOAT, 2, 3))
            .build());
  }

  /**
   * {@code x -> A(Relu) -> a}; {@code a} is a graph output and feeds {@code S(Add a, x) -> s ->
   * T(Neg) -> y}: a head output that is also a graph output, and a graph input the tail reads.
   */
  public static ModelProto skip() {
    return model(
        GraphProto.newBuilder()
            .setName("skip")
            .addInput(input("x", DataType.FLOAT, 1, 4))
            .addNode(node("Relu", "A", List.of("x"), "a"))
            .addNode(node("Add", "S", List.of("a", "x"), "s"))
            .addNode(node("Neg", "T", List.of("s"), "y"))
            .addOutput(input("a", DataType.FLOAT, 1, 4))
            .addOutput(input("y", DataType.FLOAT, 1, 4))
            .build());
  }

  /**
   * {@code x -> A(Relu) -> a -> I(If cond: then a+a, else -a) -> i -> E(Exp) -> y}; the branches
   * read {@code a} from the outer scope and define {@code then_out} and {@code else_out}.
   */
  public static ModelProto withIf() {
    GraphProto thenBranch =
        GraphProto.newBuilder()
            .setName("then")
            .addNode(node("Add", "then_add", List.of("a", "a"), "then_out"))
            .addOutput(input("then_out", DataType.FLOAT, 1, 4))
            .build();
    GraphProto elseBranch =
        GraphProto.newBuilder()
            .setName("else")
            .addNode(node("Neg", "else_neg", List.of("a"), "else_out"))
            .addOutput(input("else_out", DataType.FLOAT, 1, 4))
            .build();
    NodeProto ifNode =
        node("If", "I", List.of("cond"), "i").toBuilder()
            .addAttribute(graph("then_branch", thenBranch))
            .addAttribute(graph("else_branch", elseBranch))
            .build();
    return model(
        GraphProto.newBuilder()
            .setName("with_if")
            .addInput(input("x", DataType.FLOAT, 1, 4))
            .addInput(input("cond", DataType.BOOL))
            .addNode(node("Relu", "A", List.of("x"), "a"))
            .addNode(ifNode)
            .addNode(node("Exp", "E", List.of("i"), "y"))
            .addOutput(input("y", DataType.FLOAT, 1, 4))
            .build());
  }

  /** A model of {@code graph} with IR version 8 and default-domain opset 17. */
  public static ModelProto model(GraphProto graph) {
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("isthmus-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build();
  }

  /** A node; {@code name} may be empty. */
  public static NodeProto node(String op, String name, List<String> inputs, String output) {
    return NodeProto.newBuilder()
        .setOpType(op)
        .setName(name)
        .addAllInput(inputs)
        .addOutput(output)
        .build();
  }

  /** A tensor value info; a negative dimension is open (symbol N). */
  public static ValueInfoProto input(String name, DataType type, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(
          d < 0
              ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
              : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
        .build();
  }

  /** A float32 initializer of shape [values.length]. */
  public static TensorProto floats(String name, float... values) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(DataType.FLOAT.getNumber())
            .addDims(values.length);
    for (float v : values) {
      tensor.addFloatData(v);
    }
    return tensor.build();
  }

  private static AttributeProto graph(String name, GraphProto graph) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeType.GRAPH)
        .setG(graph)
        .build();
  }
}
