package io.isthmus.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The candidates of a partitioner {@code plan.json} (docs/partitioning.md): what a split pipeline's
 * cut takes from it is the tail's predicted cloud time, {@code cloudMs}.
 */
final class PlanCandidates {
  private final String path;
  private final JsonNode candidates;

  private PlanCandidates(String path, JsonNode candidates) {
    this.path = path;
    this.candidates = candidates;
  }

  /**
   * @throws ConfigException at {@code path} when the file cannot be read or has no candidates list
   */
  static PlanCandidates read(String path, Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException(path, "\"" + file + "\" cannot be read as plan.json: " + e, e);
    }
    JsonNode candidates = root == null ? null : root.get("candidates");
    if (candidates == null || !candidates.isArray()) {
      throw new ConfigException(
          path, "\"" + file + "\" has no candidates list; write it with ./isthmus partition plan");
    }
    return new PlanCandidates(path, candidates);
  }

  /**
   * The {@code cloudMs} of the split candidate with {@code index}.
   *
   * @throws ConfigException at {@code keyPath} when there is none, or it is not a split
   */
  double cloudMs(int index, String keyPath) {
    List<Integer> splits = new ArrayList<>();
    for (JsonNode candidate : candidates) {
      boolean split = "split".equals(candidate.path("kind").asText());
      if (split) {
        splits.add(candidate.path("index").asInt());
      }
      if (split && candidate.path("index").asInt(-1) == index) {
        return candidate.path("cloudMs").asDouble(0);
      }
    }
    throw new ConfigException(
        keyPath, index + " is not a split candidate of " + path + ", expected one of " + splits);
  }
}
