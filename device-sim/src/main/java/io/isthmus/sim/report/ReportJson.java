package io.isthmus.sim.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** Writes a {@link SimulationReport} as one line of JSON. */
final class ReportJson {
  /** At most this many keys are listed per kind (lost, duplicated, unexpected). */
  static final int MAX_KEYS = 100;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ReportJson() {}

  static String write(SimulationReport report) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    RunSettings s = report.settings();
    ObjectNode settings = root.putObject("settings");
    settings.put("profile", s.profile());
    settings.put("stream", s.stream());
    settings.put("load", s.load());
    settings.put("devices", s.devices());
    settings.put("meanRate", s.meanRate());
    settings.put("durationS", s.duration().toMillis() / 1000.0);
    settings.put("qos", s.qos());
    settings.put("mqttVersion", s.mqttVersion());
    settings.put("format", s.format());
    settings.put("seed", s.seed());
    root.put("sent", report.sent());
    root.put("received", report.received());
    root.put("lost", report.lost());
    root.put("duplicated", report.duplicated());
    root.put("unexpected", report.unexpected());
    root.put("publishFailures", report.publishFailures());
    root.put("sendSeconds", round(report.sendSeconds()));
    root.put("sendRatePerS", round(report.sendRatePerSecond()));
    root.put("throughputPerS", round(report.throughputPerSecond()));
    LatencySummary l = report.latency();
    ObjectNode latency = root.putObject("latencyMs");
    latency.put("count", l.count());
    latency.put("min", round(l.min()));
    latency.put("mean", round(l.mean()));
    latency.put("p50", round(l.p50()));
    latency.put("p95", round(l.p95()));
    latency.put("p99", round(l.p99()));
    latency.put("max", round(l.max()));
    LatencySummary o = report.agentOverhead();
    ObjectNode overhead = root.putObject("agentOverheadMs");
    overhead.put("count", o.count());
    overhead.put("p50", round(o.p50()));
    overhead.put("p95", round(o.p95()));
    overhead.put("p99", round(o.p99()));
    overhead.put("max", round(o.max()));
    ObjectNode stages = root.putObject("stageMeansMs");
    for (Map.Entry<String, Double> e : report.stageMeansMs().entrySet()) {
      stages.put(e.getKey(), round(e.getValue()));
    }
    report
        .anomaly()
        .ifPresent(
            a -> {
              ObjectNode anomaly = root.putObject("anomaly");
              anomaly.put("faultyEvents", a.faultyEvents());
              anomaly.put("healthyEvents", a.healthyEvents());
              anomaly.put("faultyScored", a.faultyScored());
              anomaly.put("healthyScored", a.healthyScored());
              putOptional(anomaly, "meanScoreFaulty", a.meanScoreFaulty());
              putOptional(anomaly, "meanScoreHealthy", a.meanScoreHealthy());
            });
    keys(root.putArray("lostKeys"), report.lostKeys());
    keys(root.putArray("duplicatedKeys"), report.duplicatedKeys());
    keys(root.putArray("unexpectedKeys"), report.unexpectedKeys());
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Report JSON could not be written", e);
    }
  }

  private static void putOptional(ObjectNode node, String name, OptionalDouble value) {
    if (value.isPresent()) {
      node.put(name, round(value.getAsDouble()));
    } else {
      node.putNull(name);
    }
  }

  private static void keys(ArrayNode array, List<EventKey> keys) {
    keys.stream().limit(MAX_KEYS).forEach(k -> array.add(k.toString()));
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
