package io.isthmus.partitioner.cli;

import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.graph.Cut;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.graph.ModelGraph;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code partition cuts MODEL}: the candidate cuts with the tensors and bytes that cross. */
@Command(
    name = "cuts",
    mixinStandardHelpOptions = true,
    description =
        "List the candidate cuts: after which node, the tensors that cross (pass them to"
            + " `partition split --cut`), their bytes, and the node counts of head and tail.")
final class CutsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin InputShapeOption inputShapes;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model.")
  Path model;

  @Option(names = "--json", description = "Print JSON (one object per cut).")
  boolean json;

  @Override
  public Integer call() throws PartitionException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    ModelGraph graph = ModelGraph.load(model, inputShapes.shapes());
    List<Cut> cuts = new CutFinder(graph).candidates();
    if (json) {
      out.println(InspectCommand.JSON.writeValueAsString(cuts));
      return 0;
    }
    out.printf("%s: %d nodes, %d candidate cuts%n", model, graph.nodes().size(), cuts.size());
    out.printf("%8s  %10s  %5s  %5s  %s%n", "after #", "bytes", "head", "tail", "--cut");
    for (Cut cut : cuts) {
      String passThrough =
          cut.passThrough().isEmpty()
              ? ""
              : "  (+ inputs " + String.join(",", cut.passThrough()) + ")";
      out.printf(
          "%8d  %10d  %5d  %5d  %s%s%n",
          cut.position(),
          cut.bytes(),
          cut.headNodes().size(),
          cut.tailNodes().size(),
          cut.spec(),
          passThrough);
    }
    return 0;
  }
}
