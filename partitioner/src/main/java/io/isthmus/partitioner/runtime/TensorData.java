package io.isthmus.partitioner.runtime;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.isthmus.partitioner.graph.ElementTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor held on the Java heap: ONNX element type, shape and the elements as little-endian bytes.
 * It moves values between ONNX Runtime sessions (full model, head, tail) and files.
 */
public final class TensorData {
  private final int elemType;
  private final long[] shape;
  private final byte[] data;

  /**
   * @throws IllegalArgumentException when the byte count does not match type and shape
   */
  public TensorData(int elemType, long[] shape, byte[] data) {
    int size = ElementTypes.size(elemType);
    if (size <= 0) {
      throw new IllegalArgumentException(
          "Element type " + ElementTypes.name(elemType) + " has no fixed size");
    }
    long expected = elementCount(shape) * size;
    if (expected != data.length) {
      throw new IllegalArgumentException(
          "Shape "
              + Arrays.toString(shape)
              + " of "
              + ElementTypes.name(elemType)
              + " needs "
              + expected
              + " bytes, got "
              + data.length);
    }
    this.elemType = elemType;
    this.shape = shape.clone();
    this.data = data;
  }

  /** Copies an ONNX Runtime tensor. */
  public static TensorData of(OnnxTensor tensor) {
    ai.onnxruntime.TensorInfo info = tensor.getInfo();
    ByteBuffer buffer = tensor.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    String typeName = info.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "");
    return new TensorData(DataType.valueOf(typeName).getNumber(), info.getShape(), bytes);
  }

  /** The number of elements of {@code shape}. */
  public static long elementCount(long[] shape) {
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    return count;
  }

  /** A new ONNX Runtime tensor with these elements; the caller closes it. */
  public OnnxTensor toOnnx(OrtEnvironment env) throws OrtException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(data.length).order(ByteOrder.nativeOrder());
    ByteBuffer source = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
      buffer.put(source);
    } else {
      throw new UnsupportedOperationException("Big-endian hosts are not supported");
    }
    buffer.rewind();
    return switch (DataType.forNumber(elemType)) {
      case FLOAT -> OnnxTensor.createTensor(env, buffer.asFloatBuffer(), shape);
      case DOUBLE -> OnnxTensor.createTensor(env, buffer.asDoubleBuffer(), shape);
      case INT64 -> OnnxTensor.createTensor(env, buffer.asLongBuffer(), shape);
      case INT32 -> OnnxTensor.createTensor(env, buffer.asIntBuffer(), shape);
      case INT16 -> OnnxTensor.createTensor(env, buffer.asShortBuffer(), shape);
      case FLOAT16 ->
          OnnxTensor.createTensor(env, buffer.asShortBuffer(), shape, OnnxJavaType.FLOAT16);
      case BFLOAT16 ->
          OnnxTensor.createTensor(env, buffer.asShortBuffer(), shape, OnnxJavaType.BFLOAT16);
      case INT8 -> OnnxTensor.createTensor(env, buffer, shape, OnnxJavaType.INT8);
      case UINT8 -> OnnxTensor.createTensor(env, buffer, shape, OnnxJavaType.UINT8);
      case BOOL -> OnnxTensor.createTensor(env, buffer, shape, OnnxJavaType.BOOL);
      default ->
          throw new UnsupportedOperationException(
              "ONNX Runtime's Java API takes no " + ElementTypes.name(elemType) + " tensors");
    };
  }

  /** The ONNX element type number. */
  public int elemType() {
    return elemType;
  }

  /** A copy of the shape. */
  public long[] shape() {
    return shape.clone();
  }

  /** The size of the elements in bytes. */
  public int byteSize() {
    return data.length;
  }

  /**
   * Every element as a double, for comparing outputs.
   *
   * @throws UnsupportedOperationException for float16/bfloat16 and complex element types
   */
  public double[] values() {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) elementCount(shape);
    double[] values = new double[n];
    DataType type = DataType.forNumber(elemType);
    for (int i = 0; i < n; i++) {
      values[i] =
          switch (type) {
            case FLOAT -> b.getFloat();
            case DOUBLE -> b.getDouble();
            case INT64, UINT64 -> b.getLong();
            case INT32, UINT32 -> b.getInt();
            case INT16 -> b.getShort();
            case UINT16 -> Short.toUnsignedInt(b.getShort());
            case INT8 -> b.get();
            case UINT8, BOOL -> Byte.toUnsignedInt(b.get());
            default ->
                throw new UnsupportedOperationException(
                    "Cannot compare elements of type " + ElementTypes.name(elemType));
          };
    }
    return values;
  }
}
