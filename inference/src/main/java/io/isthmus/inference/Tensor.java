package io.isthmus.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable n-dimensional array: a {@link DataType}, a shape and the elements in row-major order
 * as little-endian bytes.
 *
 * <p>The array factories ({@link #ofFloats}, {@link #ofLongs}, ...) copy once into a direct buffer,
 * which engines hand to native code without another copy. {@link #ofBytes} wraps the caller's
 * buffer without copying: the caller must not change it afterwards.
 */
public final class Tensor {
  private final DataType dataType;
  private final long[] shape;
  private final ByteBuffer data;

  private Tensor(DataType dataType, long[] shape, ByteBuffer data) {
    this.dataType = dataType;
    this.shape = shape;
    this.data = data;
  }

  /**
   * Wraps {@code data} (its bytes from position to limit, read as little-endian) without copying.
   *
   * @throws IllegalArgumentException if a dimension is negative or the byte count is not the
   *     element count of {@code shape} times the element size
   */
  public static Tensor ofBytes(DataType dataType, long[] shape, ByteBuffer data) {
    Objects.requireNonNull(dataType, "dataType");
    Objects.requireNonNull(data, "data");
    long[] dims = Objects.requireNonNull(shape, "shape").clone();
    long count = elementCount(dims);
    if ((long) data.remaining() != count * dataType.byteSize()) {
      throw new IllegalArgumentException(
          "Shape "
              + Arrays.toString(dims)
              + " of "
              + dataType
              + " needs "
              + count * dataType.byteSize()
              + " bytes ("
              + count
              + " elements) but the buffer has "
              + data.remaining()
              + " bytes");
    }
    return new Tensor(
        dataType, dims, data.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer());
  }

  /** A FLOAT32 tensor holding a copy of {@code data}. */
  public static Tensor ofFloats(long[] shape, float... data) {
    checkCount(shape, data.length, DataType.FLOAT32);
    ByteBuffer buffer = allocate(data.length, DataType.FLOAT32);
    buffer.asFloatBuffer().put(data);
    return ofBytes(DataType.FLOAT32, shape, buffer);
  }

  /** An INT64 tensor holding a copy of {@code data}. */
  public static Tensor ofLongs(long[] shape, long... data) {
    checkCount(shape, data.length, DataType.INT64);
    ByteBuffer buffer = allocate(data.length, DataType.INT64);
    buffer.asLongBuffer().put(data);
    return ofBytes(DataType.INT64, shape, buffer);
  }

  /** An INT32 tensor holding a copy of {@code data}. */
  public static Tensor ofInts(long[] shape, int... data) {
    checkCount(shape, data.length, DataType.INT32);
    ByteBuffer buffer = allocate(data.length, DataType.INT32);
    buffer.asIntBuffer().put(data);
    return ofBytes(DataType.INT32, shape, buffer);
  }

  public DataType dataType() {
    return dataType;
  }

  /** A copy of the shape; an empty array for a scalar. */
  public long[] shape() {
    return shape.clone();
  }

  /** The number of elements: the product of the shape, 1 for a scalar. */
  public long elementCount() {
    return elementCount(shape);
  }

  /** A read-only little-endian view of the elements, positioned at 0. */
  public ByteBuffer data() {
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * The elements as a new float array.
   *
   * @throws IllegalStateException if the type is not FLOAT32
   */
  public float[] toFloatArray() {
    requireType(DataType.FLOAT32);
    float[] out = new float[(int) elementCount()];
    data().asFloatBuffer().get(out);
    return out;
  }

  /**
   * The elements as a new long array.
   *
   * @throws IllegalStateException if the type is not INT64
   */
  public long[] toLongArray() {
    requireType(DataType.INT64);
    long[] out = new long[(int) elementCount()];
    data().asLongBuffer().get(out);
    return out;
  }

  /**
   * The elements as a new int array.
   *
   * @throws IllegalStateException if the type is not INT32
   */
  public int[] toIntArray() {
    requireType(DataType.INT32);
    int[] out = new int[(int) elementCount()];
    data().asIntBuffer().get(out);
    return out;
  }

  /** A copy of the raw little-endian bytes, whatever the type. */
  public byte[] toByteArray() {
    byte[] out = new byte[data.remaining()];
    data().get(out);
    return out;
  }

  /** Equal when data type, shape and every byte are equal (bit-identical). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor other
        && dataType == other.dataType
        && Arrays.equals(shape, other.shape)
        && data().equals(other.data());
  }

  @Override
  public int hashCode() {
    return Objects.hash(dataType, Arrays.hashCode(shape), data());
  }

  @Override
  public String toString() {
    return "Tensor[" + dataType + Arrays.toString(shape) + "]";
  }

  private void requireType(DataType expected) {
    if (dataType != expected) {
      throw new IllegalStateException("Tensor is " + dataType + ", not " + expected);
    }
  }

  private static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException(
            "Shape " + Arrays.toString(shape) + " has a negative dimension " + dim);
      }
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  private static void checkCount(long[] shape, int given, DataType type) {
    long count = elementCount(Objects.requireNonNull(shape, "shape"));
    if (count != given) {
      throw new IllegalArgumentException(
          "Shape "
              + Arrays.toString(shape)
              + " has "
              + count
              + " elements but "
              + given
              + " "
              + type
              + " values were given");
    }
  }

  private static ByteBuffer allocate(int count, DataType type) {
    return ByteBuffer.allocateDirect(Math.multiplyExact(count, type.byteSize()))
        .order(ByteOrder.LITTLE_ENDIAN);
  }
}
