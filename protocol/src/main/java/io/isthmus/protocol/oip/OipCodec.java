package io.isthmus.protocol.oip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.ProtocolException.Reason;
import io.isthmus.protocol.internal.JsonFields;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * Encodes and decodes Open Inference Protocol v2 HTTP bodies: inference requests and responses
 * (pure JSON, or JSON followed by binary tensor data per the binary data extension) and the error
 * object. Model metadata lives in {@link OipMetadataCodec}. Immutable and thread-safe.
 *
 * <p>Every decode method throws {@link ProtocolException} for bad input, naming the field (e.g.
 * {@code inputs[1].data}) and what was expected: MALFORMED for broken JSON, MISSING_FIELD,
 * WRONG_TYPE, UNKNOWN_DATATYPE, INVALID_VALUE (negative dimension, out-of-range element, unclaimed
 * binary bytes), SHAPE_MISMATCH (element or byte count against the shape) and PAYLOAD_TOO_LARGE.
 */
public final class OipCodec {
  /** The default largest body {@link #decodeRequest} and {@link #decodeResponse} accept. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

  private static final OipCodec DEFAULTS = new OipCodec(DEFAULT_MAX_BODY_BYTES);

  private final int maxBodyBytes;

  private OipCodec(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** A codec accepting bodies up to {@link #DEFAULT_MAX_BODY_BYTES}. */
  public static OipCodec defaults() {
    return DEFAULTS;
  }

  /**
   * A codec accepting bodies up to {@code maxBodyBytes}.
   *
   * @throws IllegalArgumentException if {@code maxBodyBytes} is not positive
   */
  public static OipCodec withMaxBodyBytes(int maxBodyBytes) {
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
    }
    return new OipCodec(maxBodyBytes);
  }

  /**
   * Parses the {@code Inference-Header-Content-Length} header value; null means absent.
   *
   * @throws ProtocolException INVALID_VALUE if present but not a non-negative decimal integer
   */
  public static OptionalInt parseHeaderLength(String headerValue) throws ProtocolException {
    if (headerValue == null) {
      return OptionalInt.empty();
    }
    try {
      int length = Integer.parseInt(headerValue.trim());
      if (length >= 0) {
        return OptionalInt.of(length);
      }
    } catch (NumberFormatException e) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "header "
              + OipBody.HEADER_CONTENT_LENGTH
              + " must be a non-negative integer, got '"
              + headerValue
              + "'",
          e);
    }
    throw new ProtocolException(
        Reason.INVALID_VALUE,
        "header "
            + OipBody.HEADER_CONTENT_LENGTH
            + " must be a non-negative integer, got '"
            + headerValue
            + "'");
  }

  /**
   * Encodes a request; with {@code binaryInputs} every input travels as binary data.
   *
   * @throws ProtocolException INVALID_VALUE if a JSON-encoded input holds NaN/infinity or BYTES
   *     that are not UTF-8 (send it binary instead)
   */
  public OipBody encodeRequest(InferenceRequest request, boolean binaryInputs)
      throws ProtocolException {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    request.id().ifPresent(id -> root.put("id", id));
    if (!request.parameters().isEmpty()) {
      root.set("parameters", TensorJson.writeParameters(request.parameters()));
    }
    List<ByteBuffer> parts = new ArrayList<>();
    ArrayNode inputs = root.putArray("inputs");
    for (OipTensor input : request.inputs()) {
      inputs.add(TensorJson.write(input, binaryInputs, parts));
    }
    if (!request.outputs().isEmpty()) {
      ArrayNode outputs = root.putArray("outputs");
      for (RequestedOutput output : request.outputs()) {
        ObjectNode node = outputs.addObject().put("name", output.name());
        if (!output.parameters().isEmpty()) {
          node.set("parameters", TensorJson.writeParameters(output.parameters()));
        }
      }
    }
    return assemble(root, parts, binaryInputs);
  }

  /**
   * Decodes a request body; {@code headerLength} is the {@code Inference-Header-Content-Length}
   * (empty: the whole body is JSON). Binary input tensors are views into {@code body}.
   *
   * @throws ProtocolException as described on the class
   */
  public InferenceRequest decodeRequest(byte[] body, OptionalInt headerLength)
      throws ProtocolException {
    BinarySection binary = binarySection(body, headerLength);
    ObjectNode root = parseHeader(body, headerLength, "inference request");
    Optional<String> id = JsonFields.optionalText(root, "", "id");
    OipParameters parameters = TensorJson.readParameters(root, "");
    ArrayNode inputNodes = JsonFields.array(JsonFields.required(root, "", "inputs"), "inputs");
    List<OipTensor> inputs = new ArrayList<>();
    for (int i = 0; i < inputNodes.size(); i++) {
      inputs.add(TensorJson.read(inputNodes.get(i), "inputs[" + i + "]", binary));
    }
    binary.requireConsumed();
    List<RequestedOutput> outputs = new ArrayList<>();
    Optional<JsonNode> outputNodes = JsonFields.optional(root, "outputs");
    if (outputNodes.isPresent()) {
      ArrayNode array = JsonFields.array(outputNodes.get(), "outputs");
      for (int i = 0; i < array.size(); i++) {
        String path = "outputs[" + i + "]";
        ObjectNode output = JsonFields.object(array.get(i), path);
        outputs.add(
            new RequestedOutput(
                JsonFields.requiredText(output, path, "name"),
                TensorJson.readParameters(output, path)));
      }
    }
    try {
      return new InferenceRequest(id, parameters, inputs, outputs);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(Reason.INVALID_VALUE, e.getMessage(), e);
    }
  }

  /**
   * Encodes a response; outputs for which {@code binaryOutput} is true travel as binary data (pass
   * {@code request::wantsBinaryOutput} to honour what the client asked for).
   *
   * @throws ProtocolException INVALID_VALUE if a JSON-encoded output cannot be JSON
   */
  public OipBody encodeResponse(InferenceResponse response, Predicate<String> binaryOutput)
      throws ProtocolException {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("model_name", response.modelName());
    response.modelVersion().ifPresent(version -> root.put("model_version", version));
    response.id().ifPresent(id -> root.put("id", id));
    if (!response.parameters().isEmpty()) {
      root.set("parameters", TensorJson.writeParameters(response.parameters()));
    }
    List<ByteBuffer> parts = new ArrayList<>();
    ArrayNode outputs = root.putArray("outputs");
    boolean anyBinary = false;
    for (OipTensor output : response.outputs()) {
      boolean binary = binaryOutput.test(output.name());
      anyBinary |= binary;
      outputs.add(TensorJson.write(output, binary, parts));
    }
    return assemble(root, parts, anyBinary);
  }

  /** Encodes a response with every output binary, or every output JSON. */
  public OipBody encodeResponse(InferenceResponse response, boolean binaryOutputs)
      throws ProtocolException {
    return encodeResponse(response, name -> binaryOutputs);
  }

  /**
   * Decodes a response body (see {@link #decodeRequest} for {@code headerLength}). A missing {@code
   * model_name} decodes as "" because the specification's own examples omit it.
   *
   * @throws ProtocolException as described on the class
   */
  public InferenceResponse decodeResponse(byte[] body, OptionalInt headerLength)
      throws ProtocolException {
    BinarySection binary = binarySection(body, headerLength);
    ObjectNode root = parseHeader(body, headerLength, "inference response");
    String modelName = JsonFields.optionalText(root, "", "model_name").orElse("");
    Optional<String> version = JsonFields.optionalText(root, "", "model_version");
    Optional<String> id = JsonFields.optionalText(root, "", "id");
    OipParameters parameters = TensorJson.readParameters(root, "");
    ArrayNode nodes = JsonFields.array(JsonFields.required(root, "", "outputs"), "outputs");
    List<OipTensor> outputs = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      outputs.add(TensorJson.read(nodes.get(i), "outputs[" + i + "]", binary));
    }
    binary.requireConsumed();
    return new InferenceResponse(modelName, version, id, parameters, outputs);
  }

  /** The error object {@code {"error": message}} as UTF-8 JSON. */
  public byte[] encodeError(String message) {
    return JsonFields.write(JsonNodeFactory.instance.objectNode().put("error", message));
  }

  /**
   * The message of an error object {@code {"error": "..."}}.
   *
   * @throws ProtocolException MALFORMED, MISSING_FIELD or WRONG_TYPE
   */
  public String decodeError(byte[] body) throws ProtocolException {
    checkSize(body);
    ObjectNode root = JsonFields.parseObject(body, 0, body.length, "error response");
    return JsonFields.requiredText(root, "", "error");
  }

  private OipBody assemble(ObjectNode root, List<ByteBuffer> parts, boolean binary) {
    byte[] header = JsonFields.write(root);
    if (!binary) {
      return new OipBody(header, OptionalInt.empty());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + 1024);
    out.writeBytes(header);
    for (ByteBuffer part : parts) {
      byte[] bytes = new byte[part.remaining()];
      part.get(bytes);
      out.writeBytes(bytes);
    }
    return new OipBody(out.toByteArray(), OptionalInt.of(header.length));
  }

  private void checkSize(byte[] body) throws ProtocolException {
    if (body.length > maxBodyBytes) {
      throw new ProtocolException(
          Reason.PAYLOAD_TOO_LARGE,
          "body has " + body.length + " bytes, more than the limit of " + maxBodyBytes);
    }
  }

  private BinarySection binarySection(byte[] body, OptionalInt headerLength)
      throws ProtocolException {
    checkSize(body);
    if (headerLength.isEmpty()) {
      return BinarySection.none();
    }
    int length = headerLength.getAsInt();
    if (length < 0 || length > body.length) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          OipBody.HEADER_CONTENT_LENGTH
              + " "
              + length
              + " must be between 0 and the body length "
              + body.length);
    }
    return BinarySection.after(body, length);
  }

  private static ObjectNode parseHeader(byte[] body, OptionalInt headerLength, String what)
      throws ProtocolException {
    return JsonFields.parseObject(body, 0, headerLength.orElse(body.length), what);
  }
}
