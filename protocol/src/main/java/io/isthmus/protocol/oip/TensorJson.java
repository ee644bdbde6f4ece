package io.isthmus.protocol.oip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.ProtocolException.Reason;
import io.isthmus.protocol.internal.JsonFields;
import io.isthmus.protocol.internal.TensorDataJson;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Tensor and parameter objects of the protocol's JSON, with the binary data extension. */
final class TensorJson {
  private TensorJson() {}

  /**
   * Writes {@code tensor} as a {@code $request_input}/{@code $response_output}; if {@code binary},
   * its bytes go to {@code binaryParts} and a {@code binary_data_size} parameter says how many.
   */
  static ObjectNode write(OipTensor tensor, boolean binary, List<ByteBuffer> binaryParts)
      throws ProtocolException {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("name", tensor.name());
    ArrayNode shape = node.putArray("shape");
    for (long dim : tensor.shape()) {
      shape.add(dim);
    }
    node.put("datatype", tensor.datatype().wireName());
    OipParameters parameters = tensor.parameters().without(OipParameters.BINARY_DATA_SIZE);
    if (binary) {
      parameters = parameters.with(OipParameters.BINARY_DATA_SIZE, (long) tensor.byteSize());
      binaryParts.add(tensor.data());
    }
    if (!parameters.isEmpty()) {
      node.set("parameters", writeParameters(parameters));
    }
    if (!binary) {
      node.set("data", TensorDataJson.toJson(tensor.data(), tensor.datatype(), tensor.name()));
    }
    return node;
  }

  /**
   * Reads a tensor object at {@code path}; its data comes from {@code data} in the JSON or, with a
   * {@code binary_data_size} parameter, from {@code binary}. The returned tensor's parameters omit
   * {@code binary_data_size}.
   */
  static OipTensor read(JsonNode json, String path, BinarySection binary) throws ProtocolException {
    ObjectNode object = JsonFields.object(json, path);
    String name = JsonFields.requiredText(object, path, "name");
    if (name.isEmpty()) {
      throw new ProtocolException(
          Reason.INVALID_VALUE, "field '" + JsonFields.path(path, "name") + "' must not be empty");
    }
    OipDatatype datatype =
        OipDatatype.fromWireName(
            JsonFields.requiredText(object, path, "datatype"), JsonFields.path(path, "datatype"));
    long[] shape = readShape(JsonFields.required(object, path, "shape"), path);
    long count = elementCount(shape, path);
    OipParameters parameters = readParameters(object, path);
    Optional<Object> binarySize = parameters.get(OipParameters.BINARY_DATA_SIZE);
    Optional<JsonNode> jsonData = JsonFields.optional(object, "data");
    ByteBuffer data;
    if (binarySize.isPresent()) {
      String sizePath = JsonFields.path(path, "parameters." + OipParameters.BINARY_DATA_SIZE);
      if (!(binarySize.get() instanceof Long size)) {
        throw new ProtocolException(
            Reason.WRONG_TYPE,
            "field '" + sizePath + "' must be an integer, got " + binarySize.get());
      }
      if (jsonData.isPresent()) {
        throw new ProtocolException(
            Reason.INVALID_VALUE,
            "'" + path + "' has both 'data' and binary_data_size; expected one of them");
      }
      data = binary.take(size, path);
      String problem = TensorShapes.checkData(datatype, shape, data);
      if (problem != null) {
        throw new ProtocolException(
            Reason.SHAPE_MISMATCH, "binary data of '" + path + "': " + problem);
      }
      parameters = parameters.without(OipParameters.BINARY_DATA_SIZE);
    } else {
      JsonNode dataNode = JsonFields.required(object, path, "data");
      data = TensorDataJson.fromJson(dataNode, datatype, count, JsonFields.path(path, "data"));
    }
    return OipTensor.of(name, datatype, shape, data).withParameters(parameters);
  }

  /** Reads a shape array; every dimension at least {@code minDim} (0 for data, -1 metadata). */
  static long[] readShape(JsonNode node, String parent, long minDim) throws ProtocolException {
    String path = JsonFields.path(parent, "shape");
    ArrayNode array = JsonFields.array(node, path);
    long[] shape = new long[array.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = JsonFields.integer(array.get(i), path + "[" + i + "]");
      if (shape[i] < minDim) {
        throw new ProtocolException(
            Reason.INVALID_VALUE,
            "field '" + path + "[" + i + "]' must be at least " + minDim + ", got " + shape[i]);
      }
    }
    return shape;
  }

  private static long[] readShape(JsonNode node, String parent) throws ProtocolException {
    return readShape(node, parent, 0);
  }

  private static long elementCount(long[] shape, String path) throws ProtocolException {
    try {
      return TensorShapes.elementCount(shape);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "field '" + JsonFields.path(path, "shape") + "': " + e.getMessage(),
          e);
    }
  }

  /**
   * Reads an optional {@code parameters} object. Values that are not a string, number or boolean
   * (outside the specification, e.g. MLServer's {@code headers} object) are dropped.
   */
  static OipParameters readParameters(ObjectNode parent, String path) throws ProtocolException {
    Optional<JsonNode> node = JsonFields.optional(parent, "parameters");
    if (node.isEmpty()) {
      return OipParameters.empty();
    }
    ObjectNode object = JsonFields.object(node.get(), JsonFields.path(path, "parameters"));
    Map<String, Object> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode value = entry.getValue();
      if (value.isTextual()) {
        values.put(entry.getKey(), value.textValue());
      } else if (value.isBoolean()) {
        values.put(entry.getKey(), value.booleanValue());
      } else if (value.isIntegralNumber() && value.canConvertToLong()) {
        values.put(entry.getKey(), value.longValue());
      } else if (value.isNumber() && Double.isFinite(value.doubleValue())) {
        values.put(entry.getKey(), value.doubleValue());
      }
    }
    return new OipParameters(values);
  }

  static ObjectNode writeParameters(OipParameters parameters) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, Object> entry : parameters.values().entrySet()) {
      Object value = entry.getValue();
      if (value instanceof String s) {
        node.put(entry.getKey(), s);
      } else if (value instanceof Boolean b) {
        node.put(entry.getKey(), b);
      } else if (value instanceof Long l) {
        node.put(entry.getKey(), l);
      } else {
        node.put(entry.getKey(), (Double) value);
      }
    }
    return node;
  }
}
