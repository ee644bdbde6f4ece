package io.isthmus.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A split pipeline's {@code model.split} section: the head models that run on the gateway, the Open
 * Inference Protocol v2 endpoint that serves their tails, and how the agent decides, per event,
 * between one of the cuts and the full model ({@code model.path}, the local fallback).
 *
 * @param endpoint base URL of the OIP v2 server (ours, Triton, KServe)
 * @param token bearer token sent as {@code Authorization}, if any
 * @param deadline how long one offload may take before the event runs the full model locally
 * @param candidates the cuts, at least one
 * @param policy how a path is picked per event
 * @param breaker when the cloud counts as down
 * @param probeInterval how often an unused cloud is tried anyway, so the estimates stay fresh
 */
public record SplitSettings(
    URI endpoint,
    Optional<String> token,
    Duration deadline,
    List<Candidate> candidates,
    Policy policy,
    BreakerSettings breaker,
    Duration probeInterval) {

  public SplitSettings {
    candidates = List.copyOf(candidates);
  }

  /** How a path is picked per event. */
  public enum Policy {
    /** the path of least predicted latency: a cut, or the full model on the gateway */
    ADAPTIVE,
    /** always the first cut while the circuit breaker lets requests through */
    ALWAYS
  }

  /**
   * One cut: its head model on the gateway and the tail model on the server.
   *
   * @param head the head model file
   * @param tailModel the tail's model name on the server
   * @param tailVersion the tail's version, or the server's default
   * @param cloudMs the tail's expected time on the server (from plan.json), 0 when unknown
   */
  public record Candidate(
      Path head, String tailModel, Optional<String> tailVersion, double cloudMs) {}

  /**
   * @param failures consecutive failures that open the breaker
   * @param errorRate the failure share over the last {@code window} calls that opens it
   * @param window calls the error rate is taken over
   * @param coolDown how long it stays open before one probe call is let through
   */
  public record BreakerSettings(int failures, double errorRate, int window, Duration coolDown) {}
}
