package io.isthmus.protocol.oip;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Shape arithmetic and raw-data checks shared by {@link OipTensor} and the codec. */
final class TensorShapes {
  private TensorShapes() {}

  /**
   * The product of the dimensions.
   *
   * @throws IllegalArgumentException if a dimension is negative or the product exceeds
   *     Integer.MAX_VALUE (Java buffers cannot hold more)
   */
  static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " has a negative dimension " + dim);
      }
      try {
        count = Math.multiplyExact(count, dim);
      } catch (ArithmeticException e) {
        count = Long.MAX_VALUE;
      }
    }
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " has more than " + Integer.MAX_VALUE + " elements");
    }
    return count;
  }

  /** Why {@code data} does not fit {@code shape} of {@code datatype}, or null if it does. */
  static String checkData(OipDatatype datatype, long[] shape, ByteBuffer data) {
    long count = elementCount(shape);
    if (datatype.isFixedSize()) {
      long expected = count * datatype.byteSize();
      if (data.remaining() != expected) {
        return "shape "
            + Arrays.toString(shape)
            + " of "
            + datatype
            + " needs "
            + expected
            + " bytes ("
            + count
            + " elements) but there are "
            + data.remaining();
      }
      return null;
    }
    ByteBuffer view = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long elements = 0;
    while (view.remaining() > 0) {
      if (view.remaining() < 4) {
        return "BYTES element " + elements + " has a truncated 4-byte length prefix";
      }
      long length = Integer.toUnsignedLong(view.getInt());
      if (length > view.remaining()) {
        return "BYTES element "
            + elements
            + " declares "
            + length
            + " bytes but only "
            + view.remaining()
            + " remain";
      }
      view.position(view.position() + (int) length);
      elements++;
    }
    if (elements != count) {
      return "shape "
          + Arrays.toString(shape)
          + " needs "
          + count
          + " BYTES elements but the"
          + " data holds "
          + elements;
    }
    return null;
  }

  /** The elements of well-formed BYTES data (as checked by {@link #checkData}). */
  static List<byte[]> splitBytesElements(ByteBuffer data) {
    ByteBuffer view = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> elements = new ArrayList<>();
    while (view.remaining() > 0) {
      byte[] element = new byte[view.getInt()];
      view.get(element);
      elements.add(element);
    }
    return elements;
  }
}
