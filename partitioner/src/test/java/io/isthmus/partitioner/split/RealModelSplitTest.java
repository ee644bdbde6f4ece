package io.isthmus.partitioner.split;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.inference.testing.TestModels;
import io.isthmus.partitioner.graph.Cut;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.TensorData;
import io.isthmus.partitioner.verify.Verifier;
import io.isthmus.partitioner.verify.VerifyReport;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every candidate cut of real models splits into a head and a tail that together compute what the
 * full model computes, and that together hold every node exactly once.
 */
class RealModelSplitTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "pp-ocr-cls|x=1,3,48,192",
        "blazeface-front-128|",
        "oww-embedding|",
        // the mel front end's input is [?, ?] and its STFT needs at least one window of samples
        "oww-melspectrogram|input=1,1760"
      })
  void everyCandidateCutSplitsIntoHalvesThatMatchTheFullModel(String id, String inputShape)
      throws Exception {
    InputShapes shapes =
        inputShape == null ? InputShapes.NONE : InputShapes.parse(List.of(inputShape));
    ModelGraph graph = ModelGraph.load(TestModels.require(id), shapes);
    List<Cut> cuts = new CutFinder(graph).candidates();
    assertThat(cuts).isNotEmpty();
    double largest = 0;
    try (Verifier verifier = Verifier.open(graph.model(), id, shapes)) {
      List<Map<String, TensorData>> inputs = List.of(verifier.randomInputs(1));
      for (Cut cut : cuts) {
        SplitModels split = Splitter.split(graph, cut);
        assertThat(split.head().getGraph().getNodeCount() + split.tail().getGraph().getNodeCount())
            .as("nodes of head + tail at %s", cut.spec())
            .isEqualTo(graph.nodes().size());
        Set<String> names = new HashSet<>(cut.headNodes());
        names.addAll(cut.tailNodes());
        assertThat(names).hasSize(graph.nodes().size());
        VerifyReport report =
            verifier.verify(split.head().toByteArray(), split.tail().toByteArray(), inputs);
        assertThat(report.maxDiffByOutput().keySet()).containsExactlyElementsOf(graph.outputs());
        assertThat(report.maxDiff()).as("max diff at cut %s", cut.spec()).isLessThanOrEqualTo(1e-5);
        largest = Math.max(largest, report.maxDiff());
      }
    }
    System.out.printf(
        "%s: %d nodes, %d cuts verified, largest difference %.3g%n",
        id, graph.nodes().size(), cuts.size(), largest);
  }
}
