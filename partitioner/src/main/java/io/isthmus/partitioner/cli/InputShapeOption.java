package io.isthmus.partitioner.cli;

import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.runtime.InputShapes;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --input-shape NAME=D1,D2} option the commands that run the model share. */
final class InputShapeOption {
  @Option(
      names = "--input-shape",
      paramLabel = "NAME=D1,D2",
      description =
          "Shape of a graph input with open dimensions, for models that do not run with every"
              + " open dimension 1 (e.g. input=1,1760). Repeatable.")
  List<String> specs = new ArrayList<>();

  InputShapes shapes() throws PartitionException {
    return InputShapes.parse(specs);
  }
}
