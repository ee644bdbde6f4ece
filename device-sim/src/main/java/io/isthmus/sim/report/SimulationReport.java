package io.isthmus.sim.report;

import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.protocol.v1.LatencyBreakdown;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The outcome of one simulation run: counts, end-to-end latency, the agent's latency breakdown,
 * and, for profiles that inject faults, scores of faulty against healthy events. Immutable.
 *
 * <p>Counting rules: {@code received} is the number of sent events with at least one result, so
 * {@code sent == received + lost}; {@code duplicated} is the number of events with more than one
 * result; {@code unexpected} is the number of results for an event this run did not send.
 */
public final class SimulationReport {
  private final RunSettings settings;
  private final List<EventOutcome> events;
  private final List<EventKey> unexpectedKeys;
  private final long publishFailures;
  private final long elapsedSendNanos;
  private final long elapsedReceiveNanos;
  private final LatencySummary latency;
  private final Map<String, Double> stageMeansMs;
  private final LatencySummary agentOverhead;
  private final long received;
  private final List<EventKey> lost;
  private final List<EventKey> duplicated;
  private final Map<EventKey, EventOutcome> byKey = new HashMap<>();

  private SimulationReport(
      RunSettings settings,
      List<EventOutcome> events,
      List<EventKey> unexpectedKeys,
      long publishFailures,
      long elapsedSendNanos,
      long elapsedReceiveNanos) {
    this.settings = settings;
    List<EventOutcome> sorted = new ArrayList<>(events);
    sorted.sort((a, b) -> a.key().compareTo(b.key()));
    this.events = List.copyOf(sorted);
    List<EventKey> unexpected = new ArrayList<>(unexpectedKeys);
    Collections.sort(unexpected);
    this.unexpectedKeys = List.copyOf(unexpected);
    this.publishFailures = publishFailures;
    this.elapsedSendNanos = elapsedSendNanos;
    this.elapsedReceiveNanos = elapsedReceiveNanos;
    LatencyRecorder recorder = new LatencyRecorder();
    List<EventKey> lostKeys = new ArrayList<>();
    List<EventKey> duplicatedKeys = new ArrayList<>();
    long receivedCount = 0;
    for (EventOutcome e : this.events) {
      byKey.put(e.key(), e);
      if (e.lost()) {
        lostKeys.add(e.key());
      } else {
        receivedCount++;
        recorder.record(e.latencyNanos());
      }
      if (e.duplicated()) {
        duplicatedKeys.add(e.key());
      }
    }
    this.received = receivedCount;
    this.lost = List.copyOf(lostKeys);
    this.duplicated = List.copyOf(duplicatedKeys);
    this.latency = recorder.summary(1e6);
    this.stageMeansMs = stageMeans(this.events);
    this.agentOverhead = agentOverhead(this.events);
  }

  /**
   * Assembles a report; the runner calls this, tests may too.
   *
   * @param events one outcome per event sent
   * @param unexpectedKeys one entry per result that matched no event sent
   * @param publishFailures events the MQTT client refused to publish (not counted as sent)
   * @param elapsedSendNanos from the start of the run to the last send
   * @param elapsedReceiveNanos from the start of the run to the last result received
   */
  public static SimulationReport of(
      RunSettings settings,
      List<EventOutcome> events,
      List<EventKey> unexpectedKeys,
      long publishFailures,
      long elapsedSendNanos,
      long elapsedReceiveNanos) {
    return new SimulationReport(
        settings, events, unexpectedKeys, publishFailures, elapsedSendNanos, elapsedReceiveNanos);
  }

  public RunSettings settings() {
    return settings;
  }

  /** Events published. */
  public long sent() {
    return events.size();
  }

  /** Sent events with at least one result. */
  public long received() {
    return received;
  }

  /** Sent events with no result by the end of the drain wait. */
  public long lost() {
    return lost.size();
  }

  /** Sent events with more than one result. */
  public long duplicated() {
    return duplicated.size();
  }

  /** Results for events this run did not send. */
  public long unexpected() {
    return unexpectedKeys.size();
  }

  /** Events the MQTT client failed to publish; they are not in {@link #sent()}. */
  public long publishFailures() {
    return publishFailures;
  }

  /** Lost events, sorted by device then sequence. */
  public List<EventKey> lostKeys() {
    return lost;
  }

  /** Duplicated events, sorted. */
  public List<EventKey> duplicatedKeys() {
    return duplicated;
  }

  /** Keys of the unexpected results, sorted (repeated if a key came more than once). */
  public List<EventKey> unexpectedKeys() {
    return unexpectedKeys;
  }

  /** Every event sent, sorted by device then sequence. */
  public List<EventOutcome> events() {
    return events;
  }

  /** The outcome of one event, if it was sent. */
  public Optional<EventOutcome> outcome(String deviceId, long sequence) {
    return Optional.ofNullable(byKey.get(new EventKey(deviceId, sequence)));
  }

  /** End-to-end latency (send to first result) of the received events, in milliseconds. */
  public LatencySummary latency() {
    return latency;
  }

  /** Seconds from the start of the run to the last send. */
  public double sendSeconds() {
    return elapsedSendNanos / 1e9;
  }

  /** Events sent per second of sending. */
  public double sendRatePerSecond() {
    return elapsedSendNanos <= 0 ? 0 : sent() / (elapsedSendNanos / 1e9);
  }

  /** Received events per second, from the start of the run to the last result. */
  public double throughputPerSecond() {
    return elapsedReceiveNanos <= 0 ? 0 : received / (elapsedReceiveNanos / 1e9);
  }

  /**
   * Mean of each stage of the agent's latency breakdown over the first results, in milliseconds,
   * keyed as the result JSON names them ({@code trigger, queue, load, edgeInfer, network,
   * cloudInfer, response, total}); optional stages only when some result had them.
   */
  public Map<String, Double> stageMeansMs() {
    return stageMeansMs;
  }

  /**
   * The agent's own time per event, in milliseconds: from ingest to publish less the engine's time
   * ({@code total - trigger - load - edgeInfer - network} of each first result's breakdown). This
   * is the hot-path overhead the agent adds around inference; broker hops are not in it.
   */
  public LatencySummary agentOverhead() {
    return agentOverhead;
  }

  /**
   * Faulty against healthy scores; present when some event carried an injected fault or the profile
   * is {@code vibration}.
   */
  public Optional<AnomalySummary> anomaly() {
    boolean anyFault = events.stream().anyMatch(EventOutcome::faultInjected);
    if (!anyFault && !"vibration".equals(settings.profile())) {
      return Optional.empty();
    }
    long faulty = 0;
    long healthy = 0;
    long faultyScored = 0;
    long healthyScored = 0;
    double faultySum = 0;
    double healthySum = 0;
    for (EventOutcome e : events) {
      OptionalDouble score = e.score();
      if (e.faultInjected()) {
        faulty++;
        if (score.isPresent()) {
          faultyScored++;
          faultySum += score.getAsDouble();
        }
      } else {
        healthy++;
        if (score.isPresent()) {
          healthyScored++;
          healthySum += score.getAsDouble();
        }
      }
    }
    return Optional.of(
        new AnomalySummary(
            faulty,
            healthy,
            faultyScored,
            healthyScored,
            faultyScored == 0
                ? OptionalDouble.empty()
                : OptionalDouble.of(faultySum / faultyScored),
            healthyScored == 0
                ? OptionalDouble.empty()
                : OptionalDouble.of(healthySum / healthyScored)));
  }

  /** The report as one line of JSON; see the module README for the fields. */
  public String toJson() {
    return ReportJson.write(this);
  }

  private static LatencySummary agentOverhead(List<EventOutcome> events) {
    LatencyRecorder recorder = new LatencyRecorder();
    for (EventOutcome e : events) {
      InferenceResult r = e.firstResult();
      if (r == null || !r.hasLatency()) {
        continue;
      }
      LatencyBreakdown b = r.getLatency();
      long us =
          b.getTotalUs() - b.getTriggerUs() - b.getLoadUs() - b.getEdgeInferUs() - b.getNetworkUs();
      recorder.record(Math.max(0, us) * 1000);
    }
    return recorder.summary(1e6);
  }

  private static Map<String, Double> stageMeans(List<EventOutcome> events) {
    Map<String, Function<LatencyBreakdown, Long>> stages = new LinkedHashMap<>();
    stages.put("trigger", LatencyBreakdown::getTriggerUs);
    stages.put("queue", LatencyBreakdown::getQueueUs);
    stages.put("load", b -> b.hasLoadUs() ? b.getLoadUs() : null);
    stages.put("edgeInfer", LatencyBreakdown::getEdgeInferUs);
    stages.put("network", b -> b.hasNetworkUs() ? b.getNetworkUs() : null);
    stages.put("cloudInfer", b -> b.hasCloudInferUs() ? b.getCloudInferUs() : null);
    stages.put("response", LatencyBreakdown::getResponseUs);
    stages.put("total", LatencyBreakdown::getTotalUs);
    Map<String, Double> means = new LinkedHashMap<>();
    for (Map.Entry<String, Function<LatencyBreakdown, Long>> stage : stages.entrySet()) {
      long n = 0;
      double sum = 0;
      for (EventOutcome e : events) {
        InferenceResult r = e.firstResult();
        if (r == null || !r.hasLatency()) {
          continue;
        }
        Long us = stage.getValue().apply(r.getLatency());
        if (us != null) {
          n++;
          sum += us;
        }
      }
      if (n > 0) {
        means.put(stage.getKey(), sum / n / 1000);
      }
    }
    return Collections.unmodifiableMap(means);
  }
}
