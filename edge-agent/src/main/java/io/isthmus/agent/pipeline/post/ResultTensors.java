package io.isthmus.agent.pipeline.post;

import com.google.protobuf.ByteString;
import io.isthmus.inference.DataType;
import io.isthmus.inference.Tensor;

/** Inference tensors as protocol tensors. */
public final class ResultTensors {
  private ResultTensors() {}

  public static io.isthmus.protocol.v1.Tensor toProto(String name, Tensor tensor) {
    io.isthmus.protocol.v1.Tensor.Builder out =
        io.isthmus.protocol.v1.Tensor.newBuilder()
            .setName(name)
            .setDtype(dataType(tensor.dataType()))
            .setRawData(ByteString.copyFrom(tensor.data()));
    for (long d : tensor.shape()) {
      out.addShape(d);
    }
    return out.build();
  }

  static io.isthmus.protocol.v1.DataType dataType(DataType type) {
    return switch (type) {
      case FLOAT32 -> io.isthmus.protocol.v1.DataType.FP32;
      case FLOAT16 -> io.isthmus.protocol.v1.DataType.FP16;
      case BFLOAT16 -> io.isthmus.protocol.v1.DataType.BF16;
      case FLOAT64 -> io.isthmus.protocol.v1.DataType.FP64;
      case INT8 -> io.isthmus.protocol.v1.DataType.INT8;
      case UINT8 -> io.isthmus.protocol.v1.DataType.UINT8;
      case INT16 -> io.isthmus.protocol.v1.DataType.INT16;
      case INT32 -> io.isthmus.protocol.v1.DataType.INT32;
      case INT64 -> io.isthmus.protocol.v1.DataType.INT64;
      case BOOL -> io.isthmus.protocol.v1.DataType.BOOL;
    };
  }
}
