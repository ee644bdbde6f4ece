package io.isthmus.protocol.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.ProtocolException.Reason;
import java.io.IOException;
import java.util.Optional;

/**
 * Strict reading of JSON objects: every failure is a {@link ProtocolException} whose message names
 * the field by its path (e.g. {@code inputs[1].shape}) and says what was expected.
 */
public final class JsonFields {
  /**
   * The shared mapper: rejects NaN/Infinity literals, duplicate keys and trailing content. Jackson
   * mappers are thread-safe once configured.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private JsonFields() {}

  /**
   * Parses {@code length} bytes at {@code offset} as one JSON object.
   *
   * @throws ProtocolException MALFORMED if they are not JSON or not an object
   */
  public static ObjectNode parseObject(byte[] json, int offset, int length, String what)
      throws ProtocolException {
    JsonNode node;
    try {
      node = MAPPER.readTree(json, offset, length);
    } catch (JacksonException e) {
      throw new ProtocolException(
          Reason.MALFORMED, what + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ProtocolException(Reason.MALFORMED, what + " could not be read", e);
    }
    if (node == null || !node.isObject()) {
      throw new ProtocolException(
          Reason.MALFORMED,
          what + " must be a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    return (ObjectNode) node;
  }

  /** Serializes {@code node} to UTF-8 bytes. */
  public static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JacksonException e) {
      // A tree of our own making always serializes; this would be a bug here.
      throw new IllegalStateException("cannot serialize JSON tree", e);
    }
  }

  /** {@code parent + "." + field}, or just the field at the top level. */
  public static String path(String parent, String field) {
    return parent.isEmpty() ? field : parent + "." + field;
  }

  /** The field's value, or empty if absent or JSON null. */
  public static Optional<JsonNode> optional(ObjectNode object, String field) {
    JsonNode node = object.get(field);
    return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
  }

  /** The field's value. @throws ProtocolException MISSING_FIELD if absent or null */
  public static JsonNode required(ObjectNode object, String parent, String field)
      throws ProtocolException {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      throw new ProtocolException(
          Reason.MISSING_FIELD, "field '" + path(parent, field) + "' is required but missing");
    }
    return node;
  }

  /** A required string field. @throws ProtocolException MISSING_FIELD or WRONG_TYPE */
  public static String requiredText(ObjectNode object, String parent, String field)
      throws ProtocolException {
    return text(required(object, parent, field), path(parent, field));
  }

  /** An optional string field. @throws ProtocolException WRONG_TYPE if present but no string */
  public static Optional<String> optionalText(ObjectNode object, String parent, String field)
      throws ProtocolException {
    Optional<JsonNode> node = optional(object, field);
    return node.isEmpty() ? Optional.empty() : Optional.of(text(node.get(), path(parent, field)));
  }

  /** The node as a string. @throws ProtocolException WRONG_TYPE otherwise */
  public static String text(JsonNode node, String path) throws ProtocolException {
    if (!node.isTextual()) {
      throw wrongType(path, "a string", node);
    }
    return node.textValue();
  }

  /** The node as a JSON array. @throws ProtocolException WRONG_TYPE otherwise */
  public static ArrayNode array(JsonNode node, String path) throws ProtocolException {
    if (!node.isArray()) {
      throw wrongType(path, "an array", node);
    }
    return (ArrayNode) node;
  }

  /** The node as a JSON object. @throws ProtocolException WRONG_TYPE otherwise */
  public static ObjectNode object(JsonNode node, String path) throws ProtocolException {
    if (!node.isObject()) {
      throw wrongType(path, "an object", node);
    }
    return (ObjectNode) node;
  }

  /**
   * The node as a long (an integer, or a number with no fractional part).
   *
   * @throws ProtocolException WRONG_TYPE if not an integral number, INVALID_VALUE if out of range
   */
  public static long integer(JsonNode node, String path) throws ProtocolException {
    if (!node.isNumber() || !node.canConvertToExactIntegral()) {
      throw wrongType(path, "an integer", node);
    }
    if (!node.canConvertToLong()) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "field '" + path + "' must fit in a signed 64-bit integer, got " + node);
    }
    return node.longValue();
  }

  /**
   * The node as a finite double.
   *
   * @throws ProtocolException WRONG_TYPE if not a number, INVALID_VALUE if it overflows a double
   */
  public static double finiteNumber(JsonNode node, String path) throws ProtocolException {
    if (!node.isNumber()) {
      throw wrongType(path, "a number", node);
    }
    double value = node.doubleValue();
    if (!Double.isFinite(value)) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "field '" + path + "' must be a finite number, got " + node.asText());
    }
    return value;
  }

  /** A WRONG_TYPE exception naming the field, what was expected and what was found. */
  public static ProtocolException wrongType(String path, String expected, JsonNode actual) {
    String found = actual.isContainerNode() ? actual.getNodeType().toString() : actual.toString();
    if (found.length() > 60) {
      found = found.substring(0, 60) + "...";
    }
    return new ProtocolException(
        Reason.WRONG_TYPE, "field '" + path + "' must be " + expected + ", got " + found);
  }
}
