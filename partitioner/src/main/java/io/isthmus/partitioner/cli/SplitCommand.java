package io.isthmus.partitioner.cli;

import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.graph.Cut;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.split.SplitModels;
import io.isthmus.partitioner.split.Splitter;
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

/** {@code partition split MODEL --cut t1,t2 --out DIR}: writes head.onnx and tail.onnx. */
@Command(
    name = "split",
    mixinStandardHelpOptions = true,
    description = "Split the model at the tensors of --cut into DIR/head.onnx and DIR/tail.onnx.")
final class SplitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin InputShapeOption inputShapes;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model.")
  Path model;

  @Option(
      names = "--cut",
      required = true,
      split = ",",
      paramLabel = "TENSOR",
      description = "The tensors that cross from head to tail (see `partition cuts MODEL`).")
  List<String> cut;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path dir;

  @Override
  public Integer call() throws PartitionException {
    PrintWriter out = spec.commandLine().getOut();
    ModelGraph graph = ModelGraph.load(model, inputShapes.shapes());
    Cut checked = new CutFinder(graph).cut(cut);
    SplitModels split = Splitter.split(graph, checked);
    split.write(dir);
    out.printf(
        "Wrote %s (%d nodes, outputs %s) and %s (%d nodes, inputs %s); %d bytes cross%n",
        dir.resolve(SplitModels.HEAD_FILE),
        checked.headNodes().size(),
        split.head().getGraph().getOutputList().stream().map(v -> v.getName()).toList(),
        dir.resolve(SplitModels.TAIL_FILE),
        checked.tailNodes().size(),
        split.tail().getGraph().getInputList().stream().map(v -> v.getName()).toList(),
        checked.bytes());
    return 0;
  }
}
