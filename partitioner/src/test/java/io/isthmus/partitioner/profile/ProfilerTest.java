package io.isthmus.partitioner.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.isthmus.inference.testing.TestModels;
import io.isthmus.partitioner.graph.NodeIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProfilerTest {
  /** PP-OCR's classifier takes x [N, 3, H, W] with open N, H, W; 1x3x48x192 is its real shape. */
  static final Map<String, long[]> PP_OCR_SHAPE = Map.of("x", new long[] {1, 3, 48, 192});

  private static Path model;
  private static GraphProto graph;
  private static Profile unoptimised;

  @BeforeAll
  static void profile() throws Exception {
    model = TestModels.require("pp-ocr-cls");
    graph = ModelProto.parseFrom(Files.readAllBytes(model)).getGraph();
    unoptimised =
        new Profiler(new Profiler.Settings(5, 2, 1, "none", PP_OCR_SHAPE)).profile(model, "here");
  }

  @Test
  void everyNodeOfTheModelIsTimedUnderItsIdAndOp() throws Exception {
    List<String> ids = NodeIds.of(graph);

    assertThat(unoptimised.nodes().keySet()).containsExactlyElementsOf(ids);
    int timed = 0;
    for (int i = 0; i < ids.size(); i++) {
      NodeProfile node = unoptimised.nodes().get(ids.get(i));
      assertThat(node.op()).as(ids.get(i)).isEqualTo(graph.getNode(i).getOpType());
      if (TensorSizes.isConstant(graph.getNode(i))) {
        // ONNX Runtime loads Constant nodes as initializers: no kernel, but their size is known.
        assertThat(node.measured()).isFalse();
        assertThat(node.ms()).isZero();
        assertThat(node.outputBytes()).isEqualTo(TensorSizes.constantBytes(graph.getNode(i)));
        continue;
      }
      timed++;
      assertThat(node.ms()).as(ids.get(i)).isGreaterThan(0);
      assertThat(node.measured()).isTrue();
      assertThat(node.outputTensorBytes()).hasSize(graph.getNode(i).getOutputCount());
      assertThat(node.outputBytes())
          .isEqualTo(node.outputTensorBytes().stream().mapToLong(Long::longValue).sum());
    }
    // 221 of pp-ocr-cls's 471 nodes are operators; 250 are Constant.
    assertThat(timed).isEqualTo(221);
    assertThat(unoptimised.runs()).isEqualTo(5);
    assertThat(unoptimised.modelSha256()).isEqualTo(Profiles.sha256(model));
    assertThat(unoptimised.model()).isEqualTo("pp-ocr-cls.onnx");
    assertThat(unoptimised.totalMs())
        .isCloseTo(
            unoptimised.nodes().values().stream().mapToDouble(NodeProfile::ms).sum(),
            org.assertj.core.api.Assertions.within(1e-9));
    assertThat(unoptimised.unattributedMs()).isZero();
    // x is profiled at 1x3x48x192 floats, the shape given for its open dimensions.
    assertThat(unoptimised.inputBytes()).containsExactly(Map.entry("x", 3L * 48 * 192 * 4));
  }

  @Test
  void outputSizesFollowTheShapes() {
    // The first Conv has stride 2 and 8 filters: 1x3x48x192 -> 1x8x24x96 floats.
    int conv = 0;
    while (!graph.getNode(conv).getOpType().equals("Conv")) {
      conv++;
    }
    String first = NodeIds.of(graph).get(conv);
    assertThat(unoptimised.nodes().get(first).outputBytes()).isEqualTo(8L * 24 * 96 * 4);
    // The last node writes the model's output, [1, 2] floats.
    String last = NodeIds.of(graph).get(graph.getNodeCount() - 1);
    assertThat(unoptimised.nodes().get(last).outputBytes()).isEqualTo(2 * 4);
  }

  @Test
  void basicOptimisationMarksFusedNodesUnmeasuredAndKeepsTheirSizes() throws Exception {
    Profile basic =
        new Profiler(new Profiler.Settings(3, 1, 1, "basic", PP_OCR_SHAPE)).profile(model, "here");

    assertThat(basic.nodes().keySet()).containsExactlyElementsOf(unoptimised.nodes().keySet());
    Map<Boolean, List<NodeProfile>> byMeasured =
        basic.nodes().values().stream().collect(Collectors.partitioningBy(NodeProfile::measured));
    assertThat(byMeasured.get(true)).allSatisfy(n -> assertThat(n.ms()).isGreaterThan(0));
    assertThat(byMeasured.get(false)).allSatisfy(n -> assertThat(n.ms()).isZero());
    System.out.printf(
        "pp-ocr-cls at basic optimisation: %d of %d nodes have no kernel of their own: %s%n",
        byMeasured.get(false).size(),
        basic.nodes().size(),
        byMeasured.get(false).stream()
            .map(NodeProfile::op)
            .collect(Collectors.groupingBy(o -> o, Collectors.counting())));
    // The one kernel fusion creates, p2o.MatMul.0/MatMulAddFusion, counts for p2o.MatMul.0.
    assertThat(basic.unattributedMs()).isZero();
    assertThat(basic.nodes().get("p2o.MatMul.0").measured()).isTrue();
    // Fusion moves work, it does not lose nodes' sizes: those come from the unoptimised run.
    basic
        .nodes()
        .forEach(
            (id, node) ->
                assertThat(node.outputBytes())
                    .as(id)
                    .isEqualTo(unoptimised.nodes().get(id).outputBytes()));
  }

  @Test
  void atAllOptimisationLayoutRewrittenConvolutionsStillLandOnTheirNodes() throws Exception {
    // BlazeFace's Convs run as NCHWc kernels named after their output tensor ("<tensor>_nchwc")
    Path blazeface = TestModels.require("blazeface-front-128");
    GraphProto bf = ModelProto.parseFrom(Files.readAllBytes(blazeface)).getGraph();
    List<String> ids = NodeIds.of(bf);
    Profile all =
        new Profiler(new Profiler.Settings(3, 1, 1, "all", Map.of())).profile(blazeface, "here");

    List<String> convs =
        java.util.stream.IntStream.range(0, bf.getNodeCount())
            .filter(i -> bf.getNode(i).getOpType().equals("Conv"))
            .mapToObj(ids::get)
            .toList();
    assertThat(convs).hasSizeGreaterThan(30);
    long measuredConvs = convs.stream().filter(id -> all.nodes().get(id).measured()).count();
    assertThat(measuredConvs).isGreaterThan(convs.size() * 9L / 10);
    // the layout conversions no node owns are spread over the nodes: they add up to the run
    assertThat(all.unattributedMs()).isPositive();
    assertThat(all.totalMs()).isGreaterThan(all.unattributedMs());
  }

  @Test
  void wrongInputShapeIsRejectedNamingTheInput() {
    Profiler profiler =
        new Profiler(
            new Profiler.Settings(1, 0, 1, "basic", Map.of("x", new long[] {1, 4, 48, 192})));
    assertThatThrownBy(() -> profiler.profile(model, "here"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Input x has shape [-1, 3, -1, -1]");
    Profiler unknown =
        new Profiler(new Profiler.Settings(1, 0, 1, "basic", Map.of("image", new long[] {1})));
    assertThatThrownBy(() -> unknown.profile(model, "here"))
        .hasMessageContaining("Unknown input name image, expected one of [x]");
  }

  @Test
  void nonOnnxFileIsRejected(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path text = Files.writeString(dir.resolve("model.onnx"), "not a model");
    assertThatThrownBy(() -> new Profiler(Profiler.Settings.defaults()).profile(text, "here"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is no ONNX model");
  }
}
