package io.isthmus.protocol.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.ProtocolException.Reason;
import io.isthmus.protocol.internal.JsonFields;
import io.isthmus.protocol.internal.TensorDataJson;
import io.isthmus.protocol.oip.OipDatatype;
import io.isthmus.protocol.v1.LabelScore;
import io.isthmus.protocol.v1.ResultSummary;
import io.isthmus.protocol.v1.Tensor;
import java.nio.ByteBuffer;
import java.util.Optional;

/** The summary and tensor objects inside a result's JSON. */
final class ResultParts {
  private ResultParts() {}

  static ObjectNode writeSummary(ResultSummary summary) throws ProtocolException {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    if (summary.hasLabel()) {
      node.put("label", summary.getLabel());
    }
    if (summary.hasScore()) {
      node.put("score", finite(summary.getScore(), "summary.score"));
    }
    if (summary.hasAnomalyScore()) {
      node.put("anomalyScore", finite(summary.getAnomalyScore(), "summary.anomalyScore"));
    }
    if (summary.getTopKCount() > 0) {
      ArrayNode topK = node.putArray("topK");
      for (int i = 0; i < summary.getTopKCount(); i++) {
        LabelScore entry = summary.getTopK(i);
        topK.addObject()
            .put("label", entry.getLabel())
            .put("score", finite(entry.getScore(), "summary.topK[" + i + "].score"))
            .put("index", entry.getIndex());
      }
    }
    return node;
  }

  static ResultSummary readSummary(JsonNode json, String path) throws ProtocolException {
    ObjectNode node = JsonFields.object(json, path);
    ResultSummary.Builder summary = ResultSummary.newBuilder();
    JsonFields.optionalText(node, path, "label").ifPresent(summary::setLabel);
    Optional<JsonNode> score = JsonFields.optional(node, "score");
    if (score.isPresent()) {
      summary.setScore(JsonFields.finiteNumber(score.get(), path + ".score"));
    }
    Optional<JsonNode> anomaly = JsonFields.optional(node, "anomalyScore");
    if (anomaly.isPresent()) {
      summary.setAnomalyScore(JsonFields.finiteNumber(anomaly.get(), path + ".anomalyScore"));
    }
    Optional<JsonNode> topK = JsonFields.optional(node, "topK");
    if (topK.isPresent()) {
      ArrayNode array = JsonFields.array(topK.get(), path + ".topK");
      for (int i = 0; i < array.size(); i++) {
        String entryPath = path + ".topK[" + i + "]";
        ObjectNode entry = JsonFields.object(array.get(i), entryPath);
        long index =
            JsonFields.optional(entry, "index").isPresent()
                ? JsonFields.integer(entry.get("index"), entryPath + ".index")
                : 0;
        if (index < Integer.MIN_VALUE || index > Integer.MAX_VALUE) {
          throw new ProtocolException(
              Reason.INVALID_VALUE,
              "field '" + entryPath + ".index' must fit in 32 bits, got " + index);
        }
        summary.addTopK(
            LabelScore.newBuilder()
                .setLabel(JsonFields.requiredText(entry, entryPath, "label"))
                .setScore(
                    JsonFields.finiteNumber(
                        JsonFields.required(entry, entryPath, "score"), entryPath + ".score"))
                .setIndex((int) index));
      }
    }
    return summary.build();
  }

  static ObjectNode writeTensor(Tensor tensor, String path) throws ProtocolException {
    OipDatatype datatype = OipDatatype.fromProto(tensor.getDtype());
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("name", tensor.getName());
    node.put("datatype", datatype.wireName());
    ArrayNode shape = node.putArray("shape");
    tensor.getShapeList().forEach(shape::add);
    node.set(
        "data",
        TensorDataJson.toJson(
            tensor.getRawData().asReadOnlyByteBuffer(), datatype, path + ".data"));
    return node;
  }

  static Tensor readTensor(JsonNode json, String path) throws ProtocolException {
    ObjectNode node = JsonFields.object(json, path);
    OipDatatype datatype =
        OipDatatype.fromWireName(
            JsonFields.requiredText(node, path, "datatype"), path + ".datatype");
    ArrayNode shapeNode =
        JsonFields.array(JsonFields.required(node, path, "shape"), path + ".shape");
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = JsonFields.integer(shapeNode.get(i), path + ".shape[" + i + "]");
    }
    long count = elementCount(shape, path);
    ByteBuffer data =
        TensorDataJson.fromJson(
            JsonFields.required(node, path, "data"), datatype, count, path + ".data");
    Tensor.Builder tensor =
        Tensor.newBuilder()
            .setName(JsonFields.requiredText(node, path, "name"))
            .setDtype(datatype.toProto())
            .setRawData(ByteString.copyFrom(data));
    for (long dim : shape) {
      tensor.addShape(dim);
    }
    return tensor.build();
  }

  private static long elementCount(long[] shape, String path) throws ProtocolException {
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        throw new ProtocolException(
            Reason.INVALID_VALUE,
            "field '" + path + ".shape[" + i + "]' must be at least 0, got " + shape[i]);
      }
      try {
        count = Math.multiplyExact(count, shape[i]);
      } catch (ArithmeticException e) {
        throw new ProtocolException(
            Reason.INVALID_VALUE, "field '" + path + ".shape' has too many elements", e);
      }
    }
    if (count > Integer.MAX_VALUE) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "field '" + path + ".shape' has more than " + Integer.MAX_VALUE + " elements");
    }
    return count;
  }

  private static double finite(double value, String path) throws ProtocolException {
    if (!Double.isFinite(value)) {
      throw new ProtocolException(
          Reason.INVALID_VALUE, "'" + path + "' is " + value + ", which JSON cannot represent");
    }
    return value;
  }
}
