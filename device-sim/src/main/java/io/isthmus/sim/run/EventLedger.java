package io.isthmus.sim.run;

import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.json.InferenceResultJson;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.sim.profile.SimulatedReading;
import io.isthmus.sim.report.EventKey;
import io.isthmus.sim.report.EventOutcome;
import io.isthmus.sim.report.LatencyRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What was sent, keyed by (device, seq), and what came back. Sends are recorded before the publish,
 * so a fast result always finds its entry. Thread-safe: the sender and the MQTT callback thread
 * share it.
 */
final class EventLedger {
  private static final Logger LOG = LoggerFactory.getLogger(EventLedger.class);
  private static final int MAX_MALFORMED_LOGS = 10;

  private final Map<EventKey, Entry> sent = new ConcurrentHashMap<>();
  private final Queue<EventKey> unexpected = new ConcurrentLinkedQueue<>();
  private final LatencyRecorder liveLatency = new LatencyRecorder();
  private final AtomicLong receivedDistinct = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong lastReceiptNanos = new AtomicLong();
  private final InferenceResultJson json = InferenceResultJson.defaults();
  private final long startNanos;

  EventLedger(long startNanos) {
    this.startNanos = startNanos;
  }

  private static final class Entry {
    final SimulatedReading reading;
    final long sentNanos;
    final long sentAtUs;
    int results;
    long firstReceiptNanos = -1;
    InferenceResult first;

    Entry(SimulatedReading reading, long sentNanos, long sentAtUs) {
      this.reading = reading;
      this.sentNanos = sentNanos;
      this.sentAtUs = sentAtUs;
    }
  }

  void recordSend(EventKey key, SimulatedReading reading, long sentNanos, long sentAtUs) {
    sent.put(key, new Entry(reading, sentNanos, sentAtUs));
  }

  void forget(EventKey key) {
    sent.remove(key);
  }

  /** Called on the MQTT thread for every message on the result subscription. */
  void onResult(String topic, byte[] payload, long arrivalNanos) {
    InferenceResult result;
    try {
      result = decode(payload);
    } catch (ProtocolException | com.google.protobuf.InvalidProtocolBufferException e) {
      if (malformed.incrementAndGet() <= MAX_MALFORMED_LOGS) {
        LOG.warn("Result not understood topic={} error={}", topic, e.getMessage());
      }
      return;
    }
    EventKey key = new EventKey(result.getDeviceId(), result.getSequence());
    Entry entry = sent.get(key);
    if (entry == null) {
      unexpected.add(key);
      return;
    }
    lastReceiptNanos.accumulateAndGet(arrivalNanos, Math::max);
    boolean first;
    synchronized (entry) {
      entry.results++;
      first = entry.results == 1;
      if (first) {
        entry.firstReceiptNanos = arrivalNanos;
        entry.first = result;
      }
    }
    if (first) {
      receivedDistinct.incrementAndGet();
      liveLatency.record(Math.max(0, arrivalNanos - entry.sentNanos));
    }
  }

  private InferenceResult decode(byte[] payload)
      throws ProtocolException, com.google.protobuf.InvalidProtocolBufferException {
    for (byte b : payload) {
      if (b == '{') {
        return json.decode(payload);
      }
      if (!Character.isWhitespace(b)) {
        break;
      }
    }
    return InferenceResult.parseFrom(payload);
  }

  long sentCount() {
    return sent.size();
  }

  long receivedCount() {
    return receivedDistinct.get();
  }

  long malformedCount() {
    return malformed.get();
  }

  LatencyRecorder liveLatency() {
    return liveLatency;
  }

  boolean allReceived() {
    return receivedDistinct.get() >= sent.size();
  }

  long lastReceiptNanos() {
    return lastReceiptNanos.get();
  }

  List<EventOutcome> outcomes() {
    List<EventOutcome> out = new ArrayList<>(sent.size());
    for (Map.Entry<EventKey, Entry> e : sent.entrySet()) {
      Entry entry = e.getValue();
      synchronized (entry) {
        out.add(
            new EventOutcome(
                e.getKey(),
                entry.reading.label(),
                entry.reading.faultInjected(),
                entry.sentAtUs,
                entry.sentNanos - startNanos,
                entry.results,
                entry.firstReceiptNanos < 0 ? -1 : entry.firstReceiptNanos - entry.sentNanos,
                entry.first));
      }
    }
    return out;
  }

  List<EventKey> unexpectedKeys() {
    return List.copyOf(unexpected);
  }
}
