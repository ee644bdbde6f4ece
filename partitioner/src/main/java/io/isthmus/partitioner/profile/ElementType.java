package io.isthmus.partitioner.profile;

import io.isthmus.partitioner.graph.ElementTypes;
import java.util.Map;

/** Element sizes of tensor element types, by ONNX Runtime's profile names and ONNX's enum. */
public final class ElementType {
  private static final Map<String, Integer> BY_NAME =
      Map.ofEntries(
          Map.entry("float", 4),
          Map.entry("double", 8),
          Map.entry("float16", 2),
          Map.entry("bfloat16", 2),
          Map.entry("int8", 1),
          Map.entry("uint8", 1),
          Map.entry("bool", 1),
          Map.entry("int16", 2),
          Map.entry("uint16", 2),
          Map.entry("int32", 4),
          Map.entry("uint32", 4),
          Map.entry("int64", 8),
          Map.entry("uint64", 8));

  private ElementType() {}

  /** The bytes of one element of ONNX Runtime's type name, e.g. {@code float}; 0 if unknown. */
  public static int bytesOf(String name) {
    return BY_NAME.getOrDefault(name, 0);
  }

  /**
   * The bytes of one element of ONNX's {@code TensorProto.DataType} number; 0 for strings and
   * unknown types.
   */
  public static int bytesOf(int onnxDataType) {
    return Math.max(0, ElementTypes.size(onnxDataType));
  }
}
