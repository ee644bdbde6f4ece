package io.isthmus.partitioner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.graph.Cut;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.inspect.LatencyChart;
import io.isthmus.partitioner.inspect.Layer;
import io.isthmus.partitioner.inspect.LayerTable;
import io.isthmus.partitioner.inspect.NodeTimes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code partition inspect MODEL}: the per-node table and, optionally, an SVG chart. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description =
        "Print one line per node (op, output shape, bytes, edge/cloud ms, bytes of a cut after it)"
            + " and optionally write an SVG chart with the candidate cuts marked.")
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin InputShapeOption inputShapes;

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model.")
  Path model;

  @Option(names = "--profile", paramLabel = "P", description = "Edge (gateway) profile JSON.")
  Path profile;

  @Option(names = "--cloud-profile", paramLabel = "P", description = "Cloud profile JSON.")
  Path cloudProfile;

  @Option(names = "--svg", paramLabel = "OUT.svg", description = "Write the chart here.")
  Path svg;

  @Option(names = "--json", description = "Print JSON instead of the table.")
  boolean json;

  @Override
  public Integer call() throws PartitionException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    ModelGraph graph = ModelGraph.load(model, inputShapes.shapes());
    NodeTimes edge = profile == null ? null : NodeTimes.read(profile);
    NodeTimes cloud = cloudProfile == null ? null : NodeTimes.read(cloudProfile);
    List<Layer> layers = Layer.of(graph, edge, cloud);
    List<Cut> cuts = new CutFinder(graph).candidates();
    if (svg != null) {
      try {
        Files.writeString(svg, LatencyChart.svg(model.getFileName().toString(), layers, cuts));
      } catch (IOException e) {
        throw new PartitionException(
            Code.IO_FAILED, "Cannot write " + svg + ": " + e.getMessage(), e);
      }
    }
    if (json) {
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("model", model.toString());
      report.put("opsets", graph.opsets());
      report.put("inputs", graph.inputs());
      report.put("outputs", graph.outputs());
      report.put("nodes", layers);
      out.println(JSON.writeValueAsString(report));
    } else {
      out.printf(
          "%s: %d nodes, opsets %s, inputs %s, outputs %s, %d candidate cuts%n",
          model, layers.size(), graph.opsets(), graph.inputs(), graph.outputs(), cuts.size());
      out.print(LayerTable.render(layers, cuts));
      out.flush();
      if (svg != null) {
        out.println("Wrote " + svg);
      }
    }
    return 0;
  }
}
