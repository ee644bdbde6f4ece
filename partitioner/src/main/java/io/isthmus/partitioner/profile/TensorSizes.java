package io.isthmus.partitioner.profile;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/** Byte sizes of tensors that an ONNX model holds as data: initializers and Constant nodes. */
public final class TensorSizes {
  private TensorSizes() {}

  /** The bytes of a stored tensor, from its dimensions and element type. */
  public static long bytes(TensorProto tensor) {
    long count = 1;
    for (long d : tensor.getDimsList()) {
      count *= d;
    }
    return count * ElementType.bytesOf(tensor.getDataType());
  }

  /** Whether {@code node} is a Constant: an operator with no inputs that yields its attribute. */
  public static boolean isConstant(NodeProto node) {
    return "Constant".equals(node.getOpType()) && node.getInputCount() == 0;
  }

  /** The bytes of a Constant node's output, from its value attribute; 0 if of no fixed size. */
  public static long constantBytes(NodeProto node) {
    for (AttributeProto a : node.getAttributeList()) {
      switch (a.getName()) {
        case "value":
          return bytes(a.getT());
        case "value_float":
          return 4;
        case "value_floats":
          return 4L * a.getFloatsCount();
        case "value_int":
          return 8;
        case "value_ints":
          return 8L * a.getIntsCount();
        default:
          break;
      }
    }
    return 0;
  }
}
