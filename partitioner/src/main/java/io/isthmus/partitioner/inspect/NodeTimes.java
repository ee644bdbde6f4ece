package io.isthmus.partitioner.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-node latencies read from a profile file: {@code {"device": "...", "nodes": {"<nodeId>":
 * {"op": "...", "ms": 0.12}, ...}}}, node ids as {@link io.isthmus.partitioner.graph.NodeIds} gives
 * them. Other fields are ignored.
 *
 * @param device the device the profile was measured on
 * @param millis node id to milliseconds
 */
public record NodeTimes(String device, Map<String, Double> millis) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public NodeTimes {
    millis = Collections.unmodifiableMap(new LinkedHashMap<>(millis));
  }

  /**
   * Reads a profile file.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} when it cannot be read or has no {@code
   *     nodes} object with a number {@code ms} per node
   */
  public static NodeTimes read(Path file) throws PartitionException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw bad(file, "it cannot be read as JSON (" + e.getMessage() + ")");
    }
    JsonNode nodes = root == null ? null : root.get("nodes");
    if (nodes == null || !nodes.isObject()) {
      throw bad(file, "it has no \"nodes\" object");
    }
    Map<String, Double> millis = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> node : nodes.properties()) {
      JsonNode ms = node.getValue().get("ms");
      if (ms == null || !ms.isNumber()) {
        throw bad(file, "node " + node.getKey() + " has no number \"ms\"");
      }
      millis.put(node.getKey(), ms.asDouble());
    }
    return new NodeTimes(root.path("device").asText(""), millis);
  }

  /** The node's milliseconds, or null when the profile lacks it. */
  public Double of(String nodeId) {
    return millis.get(nodeId);
  }

  private static PartitionException bad(Path file, String why) {
    return new PartitionException(
        Code.BAD_INPUT,
        "Profile "
            + file
            + " is not usable: "
            + why
            + ". Expected {\"device\": ..., \"nodes\": {\"<nodeId>\": {\"op\": ..., \"ms\": ...}}}"
            + " as written by `isthmus partition profile`.");
  }
}
