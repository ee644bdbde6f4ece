package io.isthmus.protocol.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.ProtocolException.Reason;
import io.isthmus.protocol.internal.JsonFields;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * JSON timestamps and durations are milliseconds (what people type and what JavaScript's {@code
 * Date.now()} gives); protobuf holds microseconds. Sub-millisecond precision travels as a decimal
 * fraction, e.g. {@code 1700000000123.456}, so micros survive a round trip.
 */
final class EpochMillis {
  private EpochMillis() {}

  /** Writes {@code micros} as milliseconds: an integer when whole, else a decimal fraction. */
  static void put(ObjectNode node, String field, long micros) {
    if (micros % 1000 == 0) {
      node.put(field, micros / 1000);
    } else {
      node.put(field, BigDecimal.valueOf(micros, 3).stripTrailingZeros());
    }
  }

  /**
   * Reads milliseconds (integer or fractional) as microseconds, rounding half-even.
   *
   * @throws ProtocolException WRONG_TYPE if not a number, INVALID_VALUE if not finite or out of the
   *     int64 microsecond range
   */
  static long read(JsonNode node, String path) throws ProtocolException {
    if (!node.isNumber()) {
      throw JsonFields.wrongType(path, "a number of milliseconds since the Unix epoch", node);
    }
    try {
      if (node.isIntegralNumber()) {
        return Math.multiplyExact(node.longValue(), 1000L);
      }
      if (!Double.isFinite(node.doubleValue())) {
        throw new ArithmeticException("not finite");
      }
      return node.decimalValue()
          .movePointRight(3)
          .setScale(0, RoundingMode.HALF_EVEN)
          .longValueExact();
    } catch (ArithmeticException e) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "field '" + path + "' is out of range for milliseconds: " + node,
          e);
    }
  }

  /** Writes a duration in microseconds as floating milliseconds. */
  static void putDuration(ObjectNode node, String field, long micros) {
    node.put(field, micros / 1000.0);
  }

  /** Reads floating milliseconds as a duration in microseconds. */
  static long readDuration(JsonNode node, String path) throws ProtocolException {
    double millis = JsonFields.finiteNumber(node, path);
    double micros = Math.rint(millis * 1000.0);
    if (Math.abs(micros) >= 0x1p63) {
      throw new ProtocolException(
          Reason.INVALID_VALUE, "field '" + path + "' is out of range: " + node);
    }
    return (long) micros;
  }
}
