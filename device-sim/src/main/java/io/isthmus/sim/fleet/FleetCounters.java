package io.isthmus.sim.fleet;

import io.isthmus.protocol.v1.GatewayEventKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What all simulated gateways did, counted across event loops. */
final class FleetCounters {
  final AtomicInteger connected = new AtomicInteger();
  final AtomicInteger everConnected = new AtomicInteger();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final LongAdder reports = new LongAdder();
  final LongAdder publishFailures = new LongAdder();
  final LongAdder desiredReceived = new LongAdder();
  final LongAdder desiredRejected = new LongAdder();
  final LongAdder desiredIgnoredByStuck = new LongAdder();
  final LongAdder wentSilent = new LongAdder();
  private final Map<GatewayEventKind, LongAdder> events = new EnumMap<>(GatewayEventKind.class);
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final List<Long> adoptMillis = new ArrayList<>();
  volatile long firstConnectNanos;
  volatile long allConnectedNanos;

  FleetCounters() {
    for (GatewayEventKind kind : GatewayEventKind.values()) {
      if (kind != GatewayEventKind.UNRECOGNIZED) {
        events.put(kind, new LongAdder());
      }
    }
  }

  void event(GatewayEventKind kind) {
    events.get(kind).increment();
  }

  /** Counts a failure by its reason code (the text before the first colon). */
  void failure(String reason) {
    int colon = reason.indexOf(':');
    String code = colon < 0 ? reason : reason.substring(0, colon);
    failures.computeIfAbsent(code, c -> new LongAdder()).increment();
  }

  /** Records how long a gateway took from receiving a desired state to activating it. */
  synchronized void adopted(long millis) {
    adoptMillis.add(millis);
  }

  /** Events by kind, without the enum's prefix ({@code ACTIVATED}). */
  Map<String, Long> events() {
    Map<String, Long> out = new TreeMap<>();
    events.forEach(
        (kind, n) -> {
          if (kind != GatewayEventKind.GATEWAY_EVENT_KIND_UNSPECIFIED) {
            out.put(kind.name().substring("GATEWAY_EVENT_KIND_".length()), n.sum());
          }
        });
    return out;
  }

  Map<String, Long> failures() {
    Map<String, Long> out = new TreeMap<>();
    failures.forEach((code, n) -> out.put(code, n.sum()));
    return out;
  }

  synchronized List<Long> adoptMillis() {
    return List.copyOf(adoptMillis);
  }
}
