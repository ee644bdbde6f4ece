package io.isthmus.offload.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isthmus.offload.core.OipReply;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP request as AWS delivers it to a function: API Gateway HTTP API payload 2.0 and function
 * URL events ({@code requestContext.http.method}, {@code rawPath}), or REST API payload 1.0 ({@code
 * httpMethod}, {@code path}); the body is text or base64. {@link #response} writes the matching
 * response object.
 *
 * @param method the HTTP method
 * @param path the request path
 * @param headers the headers, keys lower-cased
 * @param body the body bytes (empty when none)
 */
record HttpEvent(String method, String path, Map<String, String> headers, byte[] body) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Parses an event.
   *
   * @throws IOException if the event is not JSON
   * @throws IllegalArgumentException naming the field if it is not an HTTP event
   */
  static HttpEvent parse(InputStream in) throws IOException {
    JsonNode event = JSON.readTree(in);
    if (event == null || !event.isObject()) {
      throw new IllegalArgumentException("The event is not a JSON object");
    }
    String method = event.at("/requestContext/http/method").asText(null);
    String path = event.path("rawPath").asText(null);
    if (method == null) { // payload 1.0
      method = event.path("httpMethod").asText(null);
      path = event.path("path").asText(null);
    }
    if (method == null || path == null) {
      throw new IllegalArgumentException(
          "Not an HTTP event: expected requestContext.http.method and rawPath (payload 2.0,"
              + " function URL) or httpMethod and path (payload 1.0)");
    }
    Map<String, String> headers = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = event.path("headers").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> header = it.next();
      headers.put(header.getKey().toLowerCase(Locale.ROOT), header.getValue().asText());
    }
    JsonNode bodyNode = event.path("body");
    byte[] body =
        bodyNode.isTextual()
            ? event.path("isBase64Encoded").asBoolean(false)
                ? Base64.getDecoder().decode(bodyNode.asText())
                : bodyNode.asText().getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    return new HttpEvent(method, path, headers, body);
  }

  /** The header {@code name} (any case), or null. */
  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The response object for {@code reply}; non-JSON bodies travel base64-encoded. */
  static byte[] response(OipReply reply) throws IOException {
    ObjectNode response = JSON.createObjectNode();
    response.put("statusCode", reply.status());
    ObjectNode headers = response.putObject("headers");
    headers.put("content-type", reply.contentType());
    reply.headers().forEach(headers::put);
    boolean text = reply.contentType().startsWith("application/json");
    response.put(
        "body",
        text
            ? new String(reply.body(), StandardCharsets.UTF_8)
            : Base64.getEncoder().encodeToString(reply.body()));
    response.put("isBase64Encoded", !text);
    return JSON.writeValueAsBytes(response);
  }
}
