package io.isthmus.partitioner.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/** Sizes and names of ONNX tensor element types ({@code TensorProto.DataType} numbers). */
public final class ElementTypes {
  private ElementTypes() {}

  /** Bytes per element, or -1 for types without a fixed size (string) or unknown numbers. */
  public static int size(int elemType) {
    DataType type = DataType.forNumber(elemType);
    if (type == null) {
      return -1;
    }
    return switch (type) {
      case FLOAT, INT32, UINT32 -> 4;
      case DOUBLE, INT64, UINT64, COMPLEX64 -> 8;
      case COMPLEX128 -> 16;
      case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
      case UINT8, INT8, BOOL -> 1;
      default -> -1;
    };
  }

  /** A short lower-case name such as {@code float32} or {@code int64}. */
  public static String name(int elemType) {
    DataType type = DataType.forNumber(elemType);
    if (type == null || type == DataType.UNDEFINED) {
      return "?";
    }
    return switch (type) {
      case FLOAT -> "float32";
      case DOUBLE -> "float64";
      case FLOAT16 -> "float16";
      default -> type.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
