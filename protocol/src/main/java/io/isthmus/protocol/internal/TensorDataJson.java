package io.isthmus.protocol.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.ProtocolException.Reason;
import io.isthmus.protocol.oip.OipDatatype;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts a JSON tensor {@code data} array (flat or nested row-major) to raw little-endian bytes
 * and back. Integers are range-checked per datatype; FP16/BF16 travel in JSON as ordinary numbers
 * rounded to the nearest 16-bit value; BYTES elements are UTF-8 strings.
 */
public final class TensorDataJson {
  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private TensorDataJson() {}

  /**
   * Flattens {@code data} and encodes its elements.
   *
   * @param expectedCount the element count the shape needs
   * @param path the field's path for messages, e.g. {@code inputs[0].data}
   * @throws ProtocolException WRONG_TYPE for a non-array or a wrongly typed element, INVALID_VALUE
   *     for an element out of the datatype's range, SHAPE_MISMATCH for a ragged nesting or an
   *     element count other than {@code expectedCount}
   */
  public static ByteBuffer fromJson(
      JsonNode data, OipDatatype datatype, long expectedCount, String path)
      throws ProtocolException {
    List<JsonNode> elements = new ArrayList<>();
    flatten(JsonFields.array(data, path), path, elements);
    if (elements.size() != expectedCount) {
      throw new ProtocolException(
          Reason.SHAPE_MISMATCH,
          "field '"
              + path
              + "' has "
              + elements.size()
              + " elements but the shape needs "
              + expectedCount);
    }
    if (datatype == OipDatatype.BYTES) {
      return encodeBytes(elements, path);
    }
    ByteBuffer buffer =
        ByteBuffer.allocate(elements.size() * datatype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < elements.size(); i++) {
      put(buffer, datatype, elements.get(i), path + "[" + i + "]");
    }
    return buffer.flip();
  }

  /**
   * The elements of raw little-endian {@code data} as a flat JSON array.
   *
   * @throws ProtocolException INVALID_VALUE for a NaN or infinite float (JSON has no literal for
   *     them) or a BYTES element that is not UTF-8; send such tensors as binary data
   */
  public static ArrayNode toJson(ByteBuffer data, OipDatatype datatype, String path)
      throws ProtocolException {
    ByteBuffer view = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    int index = 0;
    while (view.hasRemaining()) {
      String where = path + "[" + index++ + "]";
      switch (datatype) {
        case BOOL -> array.add(view.get() != 0);
        case UINT8 -> array.add(view.get() & 0xff);
        case INT8 -> array.add(view.get());
        case UINT16 -> array.add(view.getShort() & 0xffff);
        case INT16 -> array.add(view.getShort());
        case UINT32 -> array.add(Integer.toUnsignedLong(view.getInt()));
        case INT32 -> array.add(view.getInt());
        case UINT64 -> array.add(new BigInteger(Long.toUnsignedString(view.getLong())));
        case INT64 -> array.add(view.getLong());
        case FP16 -> array.add(finite(HalfFloats.fp16ToFloat(view.getShort()), where));
        case BF16 -> array.add(finite(HalfFloats.bf16ToFloat(view.getShort()), where));
        case FP32 -> array.add(finite(view.getFloat(), where));
        case FP64 -> array.add(finite(view.getDouble(), where));
        case BYTES -> array.add(utf8(view, where));
      }
    }
    return array;
  }

  private static void flatten(ArrayNode array, String path, List<JsonNode> out)
      throws ProtocolException {
    boolean nested = array.size() > 0 && array.get(0).isArray();
    int rowSize = -1;
    for (int i = 0; i < array.size(); i++) {
      JsonNode element = array.get(i);
      if (element.isArray() != nested) {
        throw new ProtocolException(
            Reason.SHAPE_MISMATCH, "field '" + path + "' mixes arrays and values at one level");
      }
      if (nested) {
        int before = out.size();
        flatten((ArrayNode) element, path + "[" + i + "]", out);
        int size = out.size() - before;
        if (rowSize >= 0 && size != rowSize) {
          throw new ProtocolException(
              Reason.SHAPE_MISMATCH,
              "field '"
                  + path
                  + "' is ragged: row "
                  + i
                  + " has "
                  + size
                  + " elements, row 0 has "
                  + rowSize);
        }
        rowSize = size;
      } else {
        out.add(element);
      }
    }
  }

  private static void put(ByteBuffer buffer, OipDatatype datatype, JsonNode node, String path)
      throws ProtocolException {
    switch (datatype) {
      case BOOL -> {
        if (!node.isBoolean()) {
          throw JsonFields.wrongType(path, "a boolean", node);
        }
        buffer.put((byte) (node.booleanValue() ? 1 : 0));
      }
      case UINT8 -> buffer.put((byte) ranged(node, path, 0, 0xff));
      case INT8 -> buffer.put((byte) ranged(node, path, Byte.MIN_VALUE, Byte.MAX_VALUE));
      case UINT16 -> buffer.putShort((short) ranged(node, path, 0, 0xffff));
      case INT16 -> buffer.putShort((short) ranged(node, path, Short.MIN_VALUE, Short.MAX_VALUE));
      case UINT32 -> buffer.putInt((int) ranged(node, path, 0, 0xffffffffL));
      case INT32 -> buffer.putInt((int) ranged(node, path, Integer.MIN_VALUE, Integer.MAX_VALUE));
      case UINT64 -> buffer.putLong(unsigned64(node, path));
      case INT64 -> buffer.putLong(JsonFields.integer(node, path));
      case FP16 -> buffer.putShort(HalfFloats.floatToFp16(toFloat(node, path)));
      case BF16 -> buffer.putShort(HalfFloats.floatToBf16(toFloat(node, path)));
      case FP32 -> buffer.putFloat(toFloat(node, path));
      case FP64 -> buffer.putDouble(JsonFields.finiteNumber(node, path));
      case BYTES -> throw new IllegalStateException("BYTES is encoded by encodeBytes");
    }
  }

  private static long ranged(JsonNode node, String path, long min, long max)
      throws ProtocolException {
    long value = JsonFields.integer(node, path);
    if (value < min || value > max) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "field '" + path + "' must be an integer in [" + min + ", " + max + "], got " + value);
    }
    return value;
  }

  private static long unsigned64(JsonNode node, String path) throws ProtocolException {
    if (!node.isNumber() || !node.canConvertToExactIntegral()) {
      throw JsonFields.wrongType(path, "an integer", node);
    }
    BigInteger value = node.bigIntegerValue();
    if (value.signum() < 0 || value.compareTo(UINT64_MAX) > 0) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "field '" + path + "' must be an integer in [0, " + UINT64_MAX + "], got " + value);
    }
    return value.longValue();
  }

  private static float toFloat(JsonNode node, String path) throws ProtocolException {
    float value = (float) JsonFields.finiteNumber(node, path);
    if (Float.isInfinite(value)) {
      throw new ProtocolException(
          Reason.INVALID_VALUE, "field '" + path + "' overflows a 32-bit float: " + node);
    }
    return value;
  }

  private static ByteBuffer encodeBytes(List<JsonNode> elements, String path)
      throws ProtocolException {
    List<byte[]> encoded = new ArrayList<>(elements.size());
    int total = 0;
    for (int i = 0; i < elements.size(); i++) {
      byte[] bytes =
          JsonFields.text(elements.get(i), path + "[" + i + "]").getBytes(StandardCharsets.UTF_8);
      encoded.add(bytes);
      total = Math.addExact(total, 4 + bytes.length);
    }
    ByteBuffer buffer = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] bytes : encoded) {
      buffer.putInt(bytes.length).put(bytes);
    }
    return buffer.flip();
  }

  private static float finite(float value, String path) throws ProtocolException {
    if (!Float.isFinite(value)) {
      throw notRepresentable(path, Float.toString(value));
    }
    return value;
  }

  private static double finite(double value, String path) throws ProtocolException {
    if (!Double.isFinite(value)) {
      throw notRepresentable(path, Double.toString(value));
    }
    return value;
  }

  private static ProtocolException notRepresentable(String path, String value) {
    return new ProtocolException(
        Reason.INVALID_VALUE,
        "element '"
            + path
            + "' is "
            + value
            + ", which JSON cannot represent; send the tensor as"
            + " binary data");
  }

  private static String utf8(ByteBuffer view, String path) throws ProtocolException {
    int length = view.getInt();
    ByteBuffer element = view.slice().limit(length);
    view.position(view.position() + length);
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(element);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "BYTES element '"
              + path
              + "' is not UTF-8 text, which JSON cannot carry; send the"
              + " tensor as binary data",
          e);
    }
  }
}
