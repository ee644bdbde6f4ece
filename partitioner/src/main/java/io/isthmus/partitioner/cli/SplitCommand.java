package io.isthmus.partitioner.cli;

import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.graph.Cut;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.graph.OnnxModelFile;
import io.isthmus.partitioner.plan.PartitionPlan;
import io.isthmus.partitioner.plan.PartitionPlan.Candidate;
import io.isthmus.partitioner.quantize.QuantizedHead;
import io.isthmus.partitioner.split.PlanCandidates;
import io.isthmus.partitioner.split.SplitModels;
import io.isthmus.partitioner.split.Splitter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code partition split MODEL (--cut t1,t2 | --plan plan.json [--network NAME | --candidate N])
 * --out DIR}: writes head.onnx and tail.onnx, at the named tensors or at a plan's cut.
 */
@Command(
    name = "split",
    mixinStandardHelpOptions = true,
    description =
        "Split the model into DIR/head.onnx and DIR/tail.onnx at the tensors of --cut, or at the"
            + " cut a plan chose (--plan), its best cut for a network (--network) or one of its"
            + " candidates (--candidate).")
final class SplitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin InputShapeOption inputShapes;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model.")
  Path model;

  @Option(
      names = "--cut",
      split = ",",
      paramLabel = "TENSOR",
      description = "The tensors that cross from head to tail (see `partition cuts MODEL`).")
  List<String> cut;

  @Option(
      names = "--plan",
      paramLabel = "FILE",
      description = "A plan.json written by `partition plan` for this model.")
  Path plan;

  @Option(
      names = "--network",
      paramLabel = "NAME",
      description = "With --plan: split at the plan's best cut for this network, e.g. 20mbit/40ms.")
  String network;

  @Option(
      names = "--candidate",
      paramLabel = "N",
      description = "With --plan: split at candidate N of the plan's table.")
  Integer candidate;

  @Option(
      names = "--int8-model",
      paramLabel = "FILE",
      description =
          "With --plan, for a candidate with an int8 head: the int8 model the plan was made with;"
              + " the head comes from it, the tail from MODEL.")
  Path int8Model;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path dir;

  @Override
  public Integer call() throws PartitionException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    if ((cut == null) == (plan == null)) {
      throw new ParameterException(spec.commandLine(), "Give one of --cut or --plan");
    }
    if (plan == null && (network != null || candidate != null)) {
      throw new ParameterException(spec.commandLine(), "--network and --candidate need --plan");
    }
    if (network != null && candidate != null) {
      throw new ParameterException(spec.commandLine(), "Give --network or --candidate, not both");
    }
    if (plan == null && int8Model != null) {
      throw new ParameterException(spec.commandLine(), "--int8-model needs --plan");
    }
    ModelGraph graph = ModelGraph.load(model, inputShapes.shapes());
    CutFinder finder = new CutFinder(graph);
    Candidate chosen = plan == null ? null : selected();
    Cut checked = cut != null ? finder.cut(cut) : PlanCandidates.cutOf(finder, chosen);
    if (chosen != null && chosen.int8()) {
      if (int8Model == null) {
        throw new PartitionException(
            Code.BAD_INPUT,
            "Candidate "
                + chosen.index()
                + " runs its head in int8: give --int8-model, the int8 model the plan was made"
                + " with");
      }
      // The same cut tensors in the model whose head is int8 and whose tail is float.
      QuantizedHead int8 = QuantizedHead.of(graph.model(), OnnxModelFile.read(int8Model));
      graph =
          ModelGraph.of(
              int8.mixed(chosen.headNodes()),
              model + " with the head of " + int8Model,
              inputShapes.shapes());
      checked = new CutFinder(graph).cut(int8.cutTensors(checked.tensors()));
      out.printf("Head from %s (int8), tail from %s (float)%n", int8Model, model);
    } else if (int8Model != null) {
      out.printf("Candidate %d has a float head: --int8-model is not used%n", chosen.index());
    }
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

  private Candidate selected() throws PartitionException, IOException {
    PartitionPlan read;
    try {
      read = PartitionPlan.read(plan);
    } catch (IllegalArgumentException e) {
      throw new PartitionException(Code.BAD_INPUT, e.getMessage(), e);
    }
    Candidate chosen = PlanCandidates.select(read, network, candidate);
    spec.commandLine()
        .getOut()
        .printf(
            "Plan candidate %d (%s%s; best for %s): %s%n",
            chosen.index(),
            chosen.kind(),
            chosen.int8() ? ", int8 head" : "",
            chosen.bestFor().isEmpty() ? "no network" : String.join(", ", chosen.bestFor()),
            String.join(",", chosen.tensors()));
    return chosen;
  }
}
