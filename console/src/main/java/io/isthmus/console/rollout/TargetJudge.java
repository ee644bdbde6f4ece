package io.isthmus.console.rollout;

import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.PipelineStats;
import io.isthmus.protocol.v1.PipelineStatus;
import io.isthmus.protocol.v1.ReportedState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Decides where one gateway stands in a rollout from its last report, its failure events, the
 * health gate and the timeout.
 */
final class TargetJudge {
  /** The agent's code for a download that failed and will be tried again. */
  static final String TRANSIENT = "download_failed";

  private TargetJudge() {}

  /**
   * Judges one gateway from its last report and events; true if its status changed. A succeeded
   * gateway that later serves another version again (its agent rolled back) fails.
   */
  static boolean judge(
      RolloutSpec spec,
      RolloutTarget target,
      FleetView.Gateway gateway,
      List<GatewayEvent> failureEvents,
      Instant now) {
    String version = spec.modelVersion();
    if (target.status() != TargetStatus.UPDATING && target.status() != TargetStatus.SUCCEEDED) {
      return false;
    }
    GatewayEvent failure = failureEvent(failureEvents, target, spec.pipeline());
    if (failure != null) {
      target.finish(
          TargetStatus.FAILED,
          now,
          "gateway reported "
              + failure.getKind().name().replace("GATEWAY_EVENT_KIND_", "")
              + ": "
              + failure.getMessage());
      return true;
    }
    ReportedState reported = gateway == null ? null : gateway.reported();
    PipelineStatus status = pipeline(reported, spec.pipeline());
    boolean current = reported != null && reported.getObservedGeneration() >= target.generation();
    if (target.status() == TargetStatus.SUCCEEDED) {
      if (current && status != null && !status.getActiveVersion().equals(version)) {
        target.finish(
            TargetStatus.FAILED,
            now,
            "gateway went back to " + status.getActiveVersion() + lastError(status));
        return true;
      }
      return false;
    }
    if (current && status != null) {
      if (status.getActiveVersion().equals(version)) {
        PipelineStats stats =
            status.hasStats() && status.getStats().getModelVersion().equals(version)
                ? status.getStats()
                : null;
        HealthGate.Result result = spec.healthGate().judge(target.baseline(), stats);
        if (result.verdict() == HealthGate.Verdict.PASS) {
          target.finish(TargetStatus.SUCCEEDED, now, null);
          return true;
        }
        if (result.verdict() == HealthGate.Verdict.FAIL) {
          target.finish(TargetStatus.FAILED, now, result.reason());
          return true;
        }
      } else if (status.hasLastError() && refuses(status.getLastError(), version)) {
        target.finish(TargetStatus.FAILED, now, "gateway refused: " + status.getLastError());
        return true;
      }
    }
    Duration waited = Duration.between(target.assignedAt(), now);
    if (waited.getSeconds() >= spec.gatewayTimeoutSeconds()) {
      target.finish(
          TargetStatus.FAILED,
          now,
          "timeout: no confirmation of "
              + version
              + " within "
              + spec.gatewayTimeoutSeconds()
              + " s ("
              + (gateway == null || !gateway.online() ? "offline" : "stuck")
              + ")");
      return true;
    }
    return false;
  }

  /**
   * Whether a gateway's last error is a refusal of {@code version}: an error of the agent's form
   * {@code code: message} that is not the transient {@value #TRANSIENT} (the agent retries those;
   * the timeout covers a download that never succeeds) and names the version as a word of its own.
   */
  static boolean refuses(String lastError, String version) {
    if (lastError.startsWith(TRANSIENT)) {
      return false;
    }
    return java.util.regex.Pattern.compile(
            "(?<![A-Za-z0-9._-])"
                + java.util.regex.Pattern.quote(version)
                + "(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])")
        .matcher(lastError)
        .find();
  }

  private static GatewayEvent failureEvent(
      List<GatewayEvent> events, RolloutTarget target, String pipeline) {
    for (GatewayEvent event : events) {
      if (event.getMessage().startsWith(TRANSIENT)) {
        continue;
      }
      if (event.getGeneration() >= target.generation()
          && (event.getPipeline().isEmpty() || event.getPipeline().equals(pipeline))) {
        return event;
      }
    }
    return null;
  }

  /** The report's status of {@code pipeline}, or null. */
  static PipelineStatus pipeline(ReportedState reported, String pipeline) {
    return reported == null ? null : reported.getPipelinesMap().get(pipeline);
  }

  private static String lastError(PipelineStatus status) {
    return status.hasLastError() ? " (" + status.getLastError() + ")" : "";
  }
}
