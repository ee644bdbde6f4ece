package io.isthmus.protocol.oip;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable named tensor as the Open Inference Protocol carries it: a name, a {@link
 * OipDatatype}, a shape, optional parameters, and the elements as raw little-endian bytes in
 * row-major order ({@code BOOL} one byte 0 or 1; {@code BYTES} each element a 4-byte little-endian
 * length then its bytes, as in the binary data extension).
 *
 * <p>{@link #data()} is a read-only little-endian view of those bytes, so an engine tensor can wrap
 * it without copying; {@link #of} wraps the caller's buffer without copying too, and the codec's
 * binary decoder returns tensors that are views into the request body.
 */
public final class OipTensor {
  private final String name;
  private final OipDatatype datatype;
  private final long[] shape;
  private final long elementCount;
  private final ByteBuffer data;
  private final OipParameters parameters;

  private OipTensor(
      String name, OipDatatype datatype, long[] shape, ByteBuffer data, OipParameters parameters) {
    this.name = name;
    this.datatype = datatype;
    this.shape = shape;
    this.elementCount = TensorShapes.elementCount(shape);
    this.data = data;
    this.parameters = parameters;
  }

  /**
   * Wraps {@code data} (its bytes from position to limit) without copying; the caller must not
   * change those bytes afterwards.
   *
   * @throws IllegalArgumentException if the name is empty, a dimension is negative, the element
   *     count overflows, or the bytes do not hold exactly the shape's element count of {@code
   *     datatype} (for BYTES: that many well-formed length-prefixed elements)
   * @throws NullPointerException if an argument is null
   */
  public static OipTensor of(String name, OipDatatype datatype, long[] shape, ByteBuffer data) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name must not be empty");
    }
    Objects.requireNonNull(datatype, "datatype");
    long[] dims = Objects.requireNonNull(shape, "shape").clone();
    ByteBuffer view = Objects.requireNonNull(data, "data").slice().order(ByteOrder.LITTLE_ENDIAN);
    String problem = TensorShapes.checkData(datatype, dims, view);
    if (problem != null) {
      throw new IllegalArgumentException("tensor '" + name + "': " + problem);
    }
    return new OipTensor(name, datatype, dims, view.asReadOnlyBuffer(), OipParameters.empty());
  }

  /** An FP32 tensor holding a copy of {@code values}. */
  public static OipTensor ofFloats(String name, long[] shape, float... values) {
    ByteBuffer buffer = allocate(values.length, 4);
    buffer.asFloatBuffer().put(values);
    return of(name, OipDatatype.FP32, shape, buffer);
  }

  /** An FP64 tensor holding a copy of {@code values}. */
  public static OipTensor ofDoubles(String name, long[] shape, double... values) {
    ByteBuffer buffer = allocate(values.length, 8);
    buffer.asDoubleBuffer().put(values);
    return of(name, OipDatatype.FP64, shape, buffer);
  }

  /** An INT32 tensor holding a copy of {@code values}. */
  public static OipTensor ofInts(String name, long[] shape, int... values) {
    ByteBuffer buffer = allocate(values.length, 4);
    buffer.asIntBuffer().put(values);
    return of(name, OipDatatype.INT32, shape, buffer);
  }

  /** An INT64 tensor holding a copy of {@code values}. */
  public static OipTensor ofLongs(String name, long[] shape, long... values) {
    ByteBuffer buffer = allocate(values.length, 8);
    buffer.asLongBuffer().put(values);
    return of(name, OipDatatype.INT64, shape, buffer);
  }

  /** A BOOL tensor (one byte per element, 1 for true). */
  public static OipTensor ofBooleans(String name, long[] shape, boolean... values) {
    ByteBuffer buffer = allocate(values.length, 1);
    for (boolean value : values) {
      buffer.put((byte) (value ? 1 : 0));
    }
    return of(name, OipDatatype.BOOL, shape, buffer.flip());
  }

  /** A BYTES tensor of the given elements, each stored as a 4-byte length and its bytes. */
  public static OipTensor ofByteElements(String name, long[] shape, List<byte[]> elements) {
    long total = 0;
    for (byte[] element : elements) {
      total += 4L + element.length;
    }
    ByteBuffer buffer = allocate(Math.toIntExact(total), 1);
    for (byte[] element : elements) {
      buffer.putInt(element.length).put(element);
    }
    return of(name, OipDatatype.BYTES, shape, buffer.flip());
  }

  /** A BYTES tensor of the UTF-8 encodings of {@code values}. */
  public static OipTensor ofStrings(String name, long[] shape, String... values) {
    List<byte[]> elements = new ArrayList<>(values.length);
    for (String value : values) {
      elements.add(value.getBytes(StandardCharsets.UTF_8));
    }
    return ofByteElements(name, shape, elements);
  }

  /** This tensor with other parameters (the data is shared, not copied). */
  public OipTensor withParameters(OipParameters newParameters) {
    return new OipTensor(
        name, datatype, shape, data, Objects.requireNonNull(newParameters, "parameters"));
  }

  /** This tensor under another name (the data is shared, not copied). */
  public OipTensor withName(String newName) {
    return of(newName, datatype, shape, data).withParameters(parameters);
  }

  /** The tensor's name. */
  public String name() {
    return name;
  }

  /** The element type. */
  public OipDatatype datatype() {
    return datatype;
  }

  /** A copy of the shape. */
  public long[] shape() {
    return shape.clone();
  }

  /** The number of elements, the product of the shape (1 for a scalar, 0 if a dimension is 0). */
  public long elementCount() {
    return elementCount;
  }

  /** A read-only little-endian view of the raw bytes, positioned at 0 (a new view per call). */
  public ByteBuffer data() {
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The number of raw bytes. */
  public int byteSize() {
    return data.remaining();
  }

  /** A copy of the raw bytes. */
  public byte[] toByteArray() {
    byte[] bytes = new byte[data.remaining()];
    data().get(bytes);
    return bytes;
  }

  /** The tensor's parameters (without {@code binary_data_size}, which is a transport detail). */
  public OipParameters parameters() {
    return parameters;
  }

  /** The elements of an FP32 tensor. @throws IllegalStateException for another datatype */
  public float[] toFloatArray() {
    float[] values = new float[(int) elementCount];
    data().asFloatBuffer().get(requireType(OipDatatype.FP32, values));
    return values;
  }

  /** The elements of an FP64 tensor. @throws IllegalStateException for another datatype */
  public double[] toDoubleArray() {
    double[] values = new double[(int) elementCount];
    data().asDoubleBuffer().get(requireType(OipDatatype.FP64, values));
    return values;
  }

  /** The elements of an INT32 tensor. @throws IllegalStateException for another datatype */
  public int[] toIntArray() {
    int[] values = new int[(int) elementCount];
    data().asIntBuffer().get(requireType(OipDatatype.INT32, values));
    return values;
  }

  /** The elements of an INT64 tensor. @throws IllegalStateException for another datatype */
  public long[] toLongArray() {
    long[] values = new long[(int) elementCount];
    data().asLongBuffer().get(requireType(OipDatatype.INT64, values));
    return values;
  }

  /** The elements of a BOOL tensor (non-zero is true). @throws IllegalStateException otherwise */
  public boolean[] toBooleanArray() {
    boolean[] values = requireType(OipDatatype.BOOL, new boolean[(int) elementCount]);
    ByteBuffer view = data();
    for (int i = 0; i < values.length; i++) {
      values[i] = view.get(i) != 0;
    }
    return values;
  }

  /** The elements of a BYTES tensor. @throws IllegalStateException for another datatype */
  public List<byte[]> toByteElements() {
    requireType(OipDatatype.BYTES, null);
    return TensorShapes.splitBytesElements(data());
  }

  /** The elements of a BYTES tensor decoded as UTF-8 (malformed input becomes U+FFFD). */
  public List<String> toStrings() {
    List<String> strings = new ArrayList<>();
    for (byte[] element : toByteElements()) {
      strings.add(new String(element, StandardCharsets.UTF_8));
    }
    return strings;
  }

  private <T> T requireType(OipDatatype expected, T array) {
    if (datatype != expected) {
      throw new IllegalStateException("tensor '" + name + "' is " + datatype + ", not " + expected);
    }
    return array;
  }

  private static ByteBuffer allocate(int count, int size) {
    return ByteBuffer.allocate(Math.multiplyExact(count, size)).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Equal when name, datatype, shape, bytes and parameters are equal. */
  @Override
  public boolean equals(Object other) {
    return other instanceof OipTensor that
        && name.equals(that.name)
        && datatype == that.datatype
        && Arrays.equals(shape, that.shape)
        && data.equals(that.data)
        && parameters.equals(that.parameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, datatype, Arrays.hashCode(shape), data, parameters);
  }

  @Override
  public String toString() {
    return "OipTensor["
        + name
        + ", "
        + datatype
        + ", shape="
        + Arrays.toString(shape)
        + ", "
        + data.remaining()
        + " bytes"
        + (parameters.isEmpty() ? "" : ", " + parameters.values())
        + "]";
  }
}
