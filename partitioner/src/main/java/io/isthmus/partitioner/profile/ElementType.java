package io.isthmus.partitioner.profile;

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
    return switch (onnxDataType) {
      case 2, 3, 9, 17, 18, 19, 20 -> 1; // uint8, int8, bool, float8 variants
      case 4, 5, 10, 16 -> 2; // uint16, int16, float16, bfloat16
      case 1, 6, 12 -> 4; // float, int32, uint32
      case 7, 11, 13, 14 -> 8; // int64, double, uint64, complex64
      case 15 -> 16; // complex128
      default -> 0;
    };
  }
}
