package io.isthmus.partitioner.runtime;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Concrete shapes for graph inputs whose declared shape leaves dimensions open, for models that do
 * not run with every open dimension set to 1 (an audio front end that needs 1760 samples, say).
 * Written {@code NAME=D1,D2,...} on the command line. Immutable.
 */
public final class InputShapes {
  /** No shapes given: every open dimension is 1. */
  public static final InputShapes NONE = new InputShapes(Map.of());

  private final Map<String, long[]> shapes;

  private InputShapes(Map<String, long[]> shapes) {
    this.shapes = shapes;
  }

  /**
   * Parses {@code NAME=D1,D2,...} specifications.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} for a malformed one
   */
  public static InputShapes parse(Collection<String> specs) throws PartitionException {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      try {
        if (eq <= 0) {
          throw new NumberFormatException("no NAME=");
        }
        long[] dims =
            Arrays.stream(spec.substring(eq + 1).split("[,x]"))
                .map(String::trim)
                .mapToLong(Long::parseLong)
                .toArray();
        if (Arrays.stream(dims).anyMatch(d -> d <= 0)) {
          throw new NumberFormatException("dimensions must be positive");
        }
        shapes.put(spec.substring(0, eq), dims);
      } catch (NumberFormatException e) {
        throw new PartitionException(
            Code.BAD_INPUT,
            "Bad input shape '"
                + spec
                + "' ("
                + e.getMessage()
                + "): write NAME=D1,D2,... e.g."
                + " input=1,1760",
            e);
      }
    }
    return new InputShapes(shapes);
  }

  /**
   * Checks that every named input exists.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} naming an unknown input
   */
  public void check(List<String> inputNames) throws PartitionException {
    for (String name : shapes.keySet()) {
      if (!inputNames.contains(name)) {
        throw new PartitionException(
            Code.BAD_INPUT, "Unknown input name " + name + ", expected one of " + inputNames);
      }
    }
  }

  /** The given shape of {@code input}, else its declared shape with open dimensions set. */
  public long[] shape(ValueInfoProto input, long openDimension) {
    long[] given = shapes.get(input.getName());
    return given != null ? given.clone() : SampleInputs.shape(input, openDimension);
  }
}
