package io.isthmus.agent.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.isthmus.protocol.mqtt.SensorTopic;
import io.isthmus.protocol.v1.NumericSeries;
import io.isthmus.protocol.v1.SensorEvent;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The hot path's JSON decoder for the common event form, {@code {"deviceId", "stream", "ts", "seq",
 * "values": [...], "sampleRateHz", "channels"}}: it streams the tokens straight into the event (no
 * JSON tree, no per-value objects) with Jackson's fast double parser. Anything else (another key, a
 * repeated key, a value that is not a finite number, a body id that differs from the topic, broken
 * JSON) returns null, and the caller decodes the payload with the full {@code SensorEventJson},
 * which accepts every form and words the rejections; so both give the same event for what this path
 * takes.
 */
final class SeriesJsonFastPath {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private static final int TS = 1;
  private static final int SEQ = 2;
  private static final int VALUES = 4;
  private static final int DEVICE = 8;
  private static final int STREAM = 16;
  private static final int RATE = 32;
  private static final int CHANNELS = 64;

  private SeriesJsonFastPath() {}

  /** The event of {@code payload}, or null when it is not of the form this path takes. */
  static SensorEvent decode(byte[] payload, SensorTopic topic) {
    try (JsonParser p = JSON.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      SensorEvent.Builder event =
          SensorEvent.newBuilder().setDeviceId(topic.deviceId()).setStream(topic.stream());
      NumericSeries.Builder series = NumericSeries.newBuilder();
      int seen = 0;
      JsonToken token;
      while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
        int key = key(p.currentName());
        if (key == 0 || (seen & key) != 0) {
          return null;
        }
        seen |= key;
        JsonToken value = p.nextToken();
        boolean ok =
            switch (key) {
              case TS -> value.isNumeric() && timestamp(p, event);
              case SEQ -> value == JsonToken.VALUE_NUMBER_INT && sequence(p, event);
              case VALUES -> value == JsonToken.START_ARRAY && values(p, series);
              case DEVICE ->
                  value == JsonToken.VALUE_STRING && p.getText().equals(topic.deviceId());
              case STREAM -> value == JsonToken.VALUE_STRING && p.getText().equals(topic.stream());
              case RATE -> value.isNumeric() && rate(p, series);
              default -> value == JsonToken.VALUE_NUMBER_INT && channels(p, series);
            };
        if (!ok) {
          return null;
        }
      }
      if (token != JsonToken.END_OBJECT
          || p.nextToken() != null
          || (seen & (TS | VALUES)) != (TS | VALUES)
          || series.getValuesCount() % Math.max(1, series.getChannels()) != 0) {
        return null;
      }
      return event.setSeries(series).build();
    } catch (IOException | RuntimeException e) {
      return null; // the full decoder words what is wrong
    }
  }

  private static int key(String name) {
    return switch (name) {
      case "ts" -> TS;
      case "seq" -> SEQ;
      case "values" -> VALUES;
      case "deviceId" -> DEVICE;
      case "stream" -> STREAM;
      case "sampleRateHz" -> RATE;
      case "channels" -> CHANNELS;
      default -> 0;
    };
  }

  /** Milliseconds, whole or with a fraction, to microseconds rounded half-even, as the protocol. */
  private static boolean timestamp(JsonParser p, SensorEvent.Builder event) throws IOException {
    JsonParser.NumberType type = p.getNumberType();
    if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
      long millis = p.getLongValue();
      if (Math.abs(millis) > Long.MAX_VALUE / 1000) {
        return false;
      }
      event.setTimestampUs(millis * 1000);
      return true;
    }
    if (type != JsonParser.NumberType.DOUBLE && type != JsonParser.NumberType.BIG_DECIMAL) {
      return false;
    }
    BigDecimal micros = p.getDecimalValue().movePointRight(3).setScale(0, RoundingMode.HALF_EVEN);
    if (micros.toBigInteger().bitLength() > 63) {
      return false;
    }
    event.setTimestampUs(micros.longValue());
    return true;
  }

  private static boolean sequence(JsonParser p, SensorEvent.Builder event) throws IOException {
    if (p.getNumberType() != JsonParser.NumberType.INT
        && p.getNumberType() != JsonParser.NumberType.LONG) {
      return false; // unsigned values above 2^63 - 1 take the full path
    }
    long seq = p.getLongValue();
    if (seq < 0) {
      return false;
    }
    event.setSequence(seq);
    return true;
  }

  private static boolean values(JsonParser p, NumericSeries.Builder series) throws IOException {
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      if (!token.isNumeric()) {
        return false;
      }
      double v = p.getDoubleValue();
      if (!Double.isFinite(v)) {
        return false;
      }
      series.addValues(v);
    }
    return true;
  }

  private static boolean rate(JsonParser p, NumericSeries.Builder series) throws IOException {
    double hz = p.getDoubleValue();
    if (!Double.isFinite(hz) || hz <= 0) {
      return false;
    }
    series.setSampleRateHz(hz);
    return true;
  }

  private static boolean channels(JsonParser p, NumericSeries.Builder series) throws IOException {
    if (p.getNumberType() != JsonParser.NumberType.INT) {
      return false;
    }
    int channels = p.getIntValue();
    if (channels < 1) {
      return false;
    }
    series.setChannels(channels);
    return true;
  }
}
