package io.isthmus.partitioner.split;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.runtime.TensorData;
import io.isthmus.partitioner.testing.TestGraphs;
import io.isthmus.partitioner.verify.Verifier;
import io.isthmus.partitioner.verify.VerifyReport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitterTest {
  @TempDir Path dir;

  @Test
  void initializersGoOnlyWhereTheyAreUsedAndTheCutBecomesHeadOutputAndTailInput() throws Exception {
    ModelGraph graph = ModelGraph.of(TestGraphs.chainWithWeights(), "chain");

    SplitModels split = Splitter.split(graph, new CutFinder(graph).cut(List.of("m")));

    GraphProto head = split.head().getGraph();
    GraphProto tail = split.tail().getGraph();
    assertThat(head.getInitializerList()).extracting(TensorProto::getName).containsExactly("w1");
    assertThat(tail.getInitializerList()).extracting(TensorProto::getName).containsExactly("w2");
    assertThat(head.getInputList()).extracting(ValueInfoProto::getName).containsExactly("x");
    assertThat(head.getOutputList()).extracting(ValueInfoProto::getName).containsExactly("m");
    assertThat(tail.getInputList()).extracting(ValueInfoProto::getName).containsExactly("m");
    assertThat(tail.getOutputList()).extracting(ValueInfoProto::getName).containsExactly("y");
    ValueInfoProto m = tail.getInput(0);
    assertThat(m.getType().getTensorType().getElemType()).isEqualTo(DataType.FLOAT.getNumber());
    assertThat(m.getType().getTensorType().getShape().getDimList())
        .extracting(d -> d.getDimValue())
        .containsExactly(2L, 3L);
    for (ModelProto half : List.of(split.head(), split.tail())) {
      assertThat(half.getIrVersion()).isEqualTo(TestGraphs.IR_VERSION);
      assertThat(half.getOpsetImport(0).getVersion()).isEqualTo(TestGraphs.OPSET);
    }
  }

  @Test
  void halvesComputeTheFullModelsValues() throws Exception {
    // GIVEN x = [[1,2,3],[-1,-2,-3]], w1 = [0.5,-1,2], w2 = [1,2,3]: y = relu(x*w1) + w2
    ModelGraph graph = ModelGraph.of(TestGraphs.chainWithWeights(), "chain");
    SplitModels split = Splitter.split(graph, new CutFinder(graph).cut(List.of("r")));
    split.write(dir);
    Map<String, TensorData> x = Map.of("x", floats(new long[] {2, 3}, 1, 2, 3, -1, -2, -3));

    try (Verifier verifier = Verifier.open(graph.model(), "chain")) {
      VerifyReport report =
          verifier.verify(
              Files.readAllBytes(dir.resolve(SplitModels.HEAD_FILE)),
              Files.readAllBytes(dir.resolve(SplitModels.TAIL_FILE)),
              List.of(x, verifier.randomInputs(7)));

      assertThat(report.maxDiffByOutput()).containsOnlyKeys("y");
      assertThat(report.maxDiff()).isZero();
      assertThat(report.passed()).isTrue();
    }
    try (var tail = io.isthmus.partitioner.runtime.OrtModel.open(split.tail().toByteArray(), "t")) {
      // r = relu(x*w1) = [[0.5,0,6],[0,2,0]]
      Map<String, TensorData> out =
          tail.run(Map.of("r", floats(new long[] {2, 3}, 0.5f, 0, 6, 0, 2, 0)));
      assertThat(out.get("y").values()).containsExactly(1.5, 2, 9, 1, 4, 3);
    }
  }

  @Test
  void headReturnsTheGraphOutputsItComputesAndTheTailGetsPassThroughInputs() throws Exception {
    ModelGraph graph = ModelGraph.of(TestGraphs.skip(), "skip");

    SplitModels split = Splitter.split(graph, new CutFinder(graph).cut(List.of("a")));

    assertThat(split.head().getGraph().getOutputList())
        .extracting(ValueInfoProto::getName)
        .containsExactly("a");
    assertThat(split.tail().getGraph().getInputList())
        .extracting(ValueInfoProto::getName)
        .containsExactly("a", "x");
    assertThat(split.tail().getGraph().getOutputList())
        .extracting(ValueInfoProto::getName)
        .containsExactly("y");
    try (Verifier verifier = Verifier.open(graph.model(), "skip")) {
      VerifyReport report =
          verifier.verify(
              split.head().toByteArray(),
              split.tail().toByteArray(),
              List.of(verifier.randomInputs(3)));
      assertThat(report.maxDiffByOutput()).containsOnlyKeys("a", "y");
      assertThat(report.passed()).isTrue();
    }
  }

  @Test
  void aControlFlowNodeMovesWithItsSubgraphsAndOuterReferences() throws Exception {
    ModelGraph graph = ModelGraph.of(TestGraphs.withIf(), "if");

    SplitModels split = Splitter.split(graph, new CutFinder(graph).cut(List.of("a")));

    assertThat(split.tail().getGraph().getNodeList())
        .extracting(n -> n.getOpType())
        .containsExactly("If", "Exp");
    assertThat(split.tail().getGraph().getInputList())
        .extracting(ValueInfoProto::getName)
        .containsExactly("a", "cond");
    TensorData yes = new TensorData(DataType.BOOL.getNumber(), new long[0], new byte[] {1});
    TensorData no = new TensorData(DataType.BOOL.getNumber(), new long[0], new byte[] {0});
    TensorData x = floats(new long[] {1, 4}, -1, 0.5f, 2, -3);
    try (Verifier verifier = Verifier.open(graph.model(), "if")) {
      VerifyReport report =
          verifier.verify(
              split.head().toByteArray(),
              split.tail().toByteArray(),
              List.of(Map.of("x", x, "cond", yes), Map.of("x", x, "cond", no)));
      assertThat(report.maxDiff()).isZero();
    }
  }

  @Test
  void verifyReportsATailThatComputesSomethingElse() throws Exception {
    ModelGraph graph = ModelGraph.of(TestGraphs.diamond(), "diamond");
    SplitModels split = Splitter.split(graph, new CutFinder(graph).cut(List.of("b", "c")));
    // GIVEN a tail whose Add became a Sub: y = b - c instead of b + c
    ModelProto wrongTail =
        split.tail().toBuilder()
            .setGraph(
                split.tail().getGraph().toBuilder()
                    .setNode(0, split.tail().getGraph().getNode(0).toBuilder().setOpType("Sub")))
            .build();

    try (Verifier verifier = Verifier.open(graph.model(), "diamond")) {
      VerifyReport report =
          verifier.verify(
              split.head().toByteArray(),
              wrongTail.toByteArray(),
              List.of(verifier.randomInputs(1)));

      // c = |relu(x)| >= 0 and random x in [0,1) is mostly > 0, so b + c and b - c differ by 2c
      assertThat(report.passed()).isFalse();
      assertThat(report.maxDiffByOutput().get("y")).isGreaterThan(0.1);
    }
  }

  static TensorData floats(long[] shape, float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return new TensorData(DataType.FLOAT.getNumber(), shape, b.array());
  }
}
