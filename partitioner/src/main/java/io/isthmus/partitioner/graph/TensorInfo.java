package io.isthmus.partitioner.graph;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One tensor (edge) of the graph: element type, shape and size in bytes.
 *
 * @param name the tensor's name in the graph
 * @param elemType the ONNX element type number ({@code TensorProto.DataType})
 * @param dims the shape; -1 marks a dimension that changes with the model's dynamic input
 *     dimensions (for example the batch size)
 * @param bytes the size at the representative input shape (every dynamic input dimension = 1), or
 *     -1 when unknown (a non-tensor value such as a sequence)
 * @param valueInfo the value info written for this tensor when it becomes a graph input or output
 *     of a split model: the model's own when it declares one, else one built from {@code dims}
 */
public record TensorInfo(
    String name, int elemType, List<Long> dims, long bytes, ValueInfoProto valueInfo) {
  public TensorInfo {
    dims = List.copyOf(dims);
  }

  /** The shape as text, e.g. {@code [?,3,48,192]}. */
  public String shapeText() {
    return dims.stream()
        .map(d -> d < 0 ? "?" : Long.toString(d))
        .collect(Collectors.joining(",", "[", "]"));
  }

  /** The element type as text, e.g. {@code float32}. */
  public String typeText() {
    return ElementTypes.name(elemType);
  }
}
