package io.isthmus.protocol.oip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.internal.JsonFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Encodes and decodes the protocol's metadata responses: the model's ({@code GET v2/models/{m}})
 * and the server's ({@code GET v2}). Stateless and thread-safe.
 */
public final class OipMetadataCodec {
  private OipMetadataCodec() {}

  /** The metadata as UTF-8 JSON; {@code versions} is omitted when empty. */
  public static byte[] encode(ModelMetadata metadata) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("name", metadata.name());
    if (!metadata.versions().isEmpty()) {
      ArrayNode versions = root.putArray("versions");
      metadata.versions().forEach(versions::add);
    }
    root.put("platform", metadata.platform());
    root.set("inputs", writeTensors(metadata.inputs()));
    root.set("outputs", writeTensors(metadata.outputs()));
    return JsonFields.write(root);
  }

  /**
   * Decodes a metadata response.
   *
   * @throws ProtocolException MALFORMED, MISSING_FIELD (name, platform, inputs, outputs, or a
   *     tensor's name/datatype/shape), WRONG_TYPE, UNKNOWN_DATATYPE, or INVALID_VALUE for a
   *     dimension below -1
   */
  public static ModelMetadata decode(byte[] body) throws ProtocolException {
    ObjectNode root = JsonFields.parseObject(body, 0, body.length, "model metadata");
    String name = JsonFields.requiredText(root, "", "name");
    List<String> versions = new ArrayList<>();
    Optional<JsonNode> versionNodes = JsonFields.optional(root, "versions");
    if (versionNodes.isPresent()) {
      ArrayNode array = JsonFields.array(versionNodes.get(), "versions");
      for (int i = 0; i < array.size(); i++) {
        versions.add(JsonFields.text(array.get(i), "versions[" + i + "]"));
      }
    }
    String platform = JsonFields.requiredText(root, "", "platform");
    return new ModelMetadata(
        name, versions, platform, readTensors(root, "inputs"), readTensors(root, "outputs"));
  }

  /** The server metadata as UTF-8 JSON; {@code parameters} is omitted when empty. */
  public static byte[] encodeServer(ServerMetadata metadata) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("name", metadata.name());
    root.put("version", metadata.version());
    ArrayNode extensions = root.putArray("extensions");
    metadata.extensions().forEach(extensions::add);
    if (!metadata.parameters().isEmpty()) {
      root.set("parameters", TensorJson.writeParameters(metadata.parameters()));
    }
    return JsonFields.write(root);
  }

  /**
   * Decodes a server metadata response.
   *
   * @throws ProtocolException MALFORMED, MISSING_FIELD (name, version, extensions) or WRONG_TYPE
   */
  public static ServerMetadata decodeServer(byte[] body) throws ProtocolException {
    ObjectNode root = JsonFields.parseObject(body, 0, body.length, "server metadata");
    String name = JsonFields.requiredText(root, "", "name");
    String version = JsonFields.requiredText(root, "", "version");
    ArrayNode array = JsonFields.array(JsonFields.required(root, "", "extensions"), "extensions");
    List<String> extensions = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      extensions.add(JsonFields.text(array.get(i), "extensions[" + i + "]"));
    }
    return new ServerMetadata(name, version, extensions, TensorJson.readParameters(root, ""));
  }

  private static ArrayNode writeTensors(List<TensorMetadata> tensors) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (TensorMetadata tensor : tensors) {
      ObjectNode node = array.addObject();
      node.put("name", tensor.name());
      node.put("datatype", tensor.datatype().wireName());
      ArrayNode shape = node.putArray("shape");
      for (long dim : tensor.shape()) {
        shape.add(dim);
      }
    }
    return array;
  }

  private static List<TensorMetadata> readTensors(ObjectNode root, String field)
      throws ProtocolException {
    ArrayNode array = JsonFields.array(JsonFields.required(root, "", field), field);
    List<TensorMetadata> tensors = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String path = field + "[" + i + "]";
      ObjectNode node = JsonFields.object(array.get(i), path);
      String name = JsonFields.requiredText(node, path, "name");
      OipDatatype datatype =
          OipDatatype.fromWireName(
              JsonFields.requiredText(node, path, "datatype"), path + ".datatype");
      long[] shape = TensorJson.readShape(JsonFields.required(node, path, "shape"), path, -1);
      tensors.add(new TensorMetadata(name, datatype, shape));
    }
    return tensors;
  }
}
