package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads float constants from and writes quantized constants to ONNX {@link TensorProto}s. */
final class Tensors {
  private Tensors() {}

  /** Whether {@code t} is a float tensor whose values are stored in the model. */
  static boolean isFloat(TensorProto t) {
    return t.getDataType() == DataType.FLOAT_VALUE
        && t.getDataLocation() != TensorProto.DataLocation.EXTERNAL;
  }

  /** The elements of a float tensor, in row-major order. */
  static float[] floats(TensorProto t) {
    if (!t.getRawData().isEmpty()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      float[] values = new float[b.remaining() / 4];
      b.asFloatBuffer().get(values);
      return values;
    }
    float[] values = new float[t.getFloatDataCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] = t.getFloatData(i);
    }
    return values;
  }

  /** The dims of {@code t}. */
  static long[] dims(TensorProto t) {
    return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
  }

  static TensorProto int8(String name, long[] dims, byte[] values) {
    return raw(name, DataType.INT8, dims, values);
  }

  static TensorProto uint8(String name, long[] dims, byte[] values) {
    return raw(name, DataType.UINT8, dims, values);
  }

  static TensorProto int32(String name, long[] dims, int[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    return raw(name, DataType.INT32, dims, b.array());
  }

  static TensorProto int64(String name, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return raw(name, DataType.INT64, new long[] {values.length}, b.array());
  }

  static TensorProto float32(String name, long[] dims, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return raw(name, DataType.FLOAT, dims, b.array());
  }

  /** A zero-point tensor of int8 or uint8 values. */
  static TensorProto zeroPoints(String name, long[] dims, int[] values, boolean signed) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return signed ? int8(name, dims, bytes) : uint8(name, dims, bytes);
  }

  private static TensorProto raw(String name, DataType type, long[] dims, byte[] bytes) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(type.getNumber())
            .setRawData(ByteString.copyFrom(bytes));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }
}
