package io.isthmus.console.fleet;

import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.ReportedState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the console knows about one gateway. Immutable; the registry replaces it on every change.
 *
 * @param reportedLabels labels from the gateway's own reports
 * @param operatorLabels labels set through the API; they win over reported ones
 * @param reported the last report, or null
 * @param desired the desired state last published, or null
 */
public record GatewayRecord(
    String id,
    Map<String, String> reportedLabels,
    Map<String, String> operatorLabels,
    String platform,
    String agentVersion,
    Instant firstSeen,
    Instant lastSeen,
    ReportedState reported,
    DesiredState desired,
    long desiredGeneration) {

  public GatewayRecord {
    reportedLabels = Map.copyOf(reportedLabels);
    operatorLabels = Map.copyOf(operatorLabels);
  }

  /** Reported labels overlaid with the operator's. */
  public Map<String, String> labels() {
    Map<String, String> merged = new TreeMap<>(reportedLabels);
    merged.putAll(operatorLabels);
    return merged;
  }

  /** Whether the gateway reported within {@code offlineAfter} before {@code now}. */
  public boolean online(Instant now, Duration offlineAfter) {
    return !lastSeen.plus(offlineAfter).isBefore(now);
  }

  GatewayRecord withReport(ReportedState report, Instant at) {
    return new GatewayRecord(
        id,
        report.getLabelsMap(),
        operatorLabels,
        report.getPlatform(),
        report.getAgentVersion(),
        firstSeen,
        at,
        report,
        desired,
        desiredGeneration);
  }

  GatewayRecord withOperatorLabels(Map<String, String> labels) {
    return new GatewayRecord(
        id,
        reportedLabels,
        labels,
        platform,
        agentVersion,
        firstSeen,
        lastSeen,
        reported,
        desired,
        desiredGeneration);
  }

  GatewayRecord withDesired(DesiredState state) {
    return new GatewayRecord(
        id,
        reportedLabels,
        operatorLabels,
        platform,
        agentVersion,
        firstSeen,
        lastSeen,
        reported,
        state,
        state.getGeneration());
  }
}
