package io.isthmus.offload.simulate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The per-policy results as JSON: latency percentiles in ms, counts, cost by component, timeline.
 */
public final class ResultJson {
  private ResultJson() {}

  /** An array with one object per result. */
  public static ArrayNode of(List<SimulationResult> results) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (SimulationResult r : results) {
      ObjectNode node = array.addObject();
      node.put("policy", r.policy());
      node.put("served", r.served());
      putMillis(node, "p50Ms", r.latencyPercentile(0.50));
      putMillis(node, "p95Ms", r.latencyPercentile(0.95));
      putMillis(node, "p99Ms", r.latencyPercentile(0.99));
      node.put("coldStarts", r.coldStarts());
      node.put("instanceStarts", r.instanceStarts());
      ObjectNode cost = node.putObject("costUsd");
      cost.put("requests", r.cost().requests());
      cost.put("execution", r.cost().execution());
      cost.put("initialisation", r.cost().initialisation());
      cost.put("provisioned", r.cost().provisioned());
      cost.put("total", r.cost().total());
      ArrayNode timeline = node.putArray("timeline");
      for (TimelinePoint point : r.timeline()) {
        timeline
            .addObject()
            .put("t", point.timeSeconds())
            .put("provisioned", point.provisionedConcurrency())
            .put("instances", point.instances())
            .put("rate", point.arrivalRate());
      }
    }
    return array;
  }

  // JSON has no NaN: a run without requests has no percentiles, written as null.
  private static void putMillis(ObjectNode node, String name, double seconds) {
    if (Double.isNaN(seconds)) {
      node.putNull(name);
    } else {
      node.put(name, seconds * 1000);
    }
  }
}
