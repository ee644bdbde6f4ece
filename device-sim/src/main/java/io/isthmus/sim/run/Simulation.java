package io.isthmus.sim.run;

import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.json.SensorEventJson;
import io.isthmus.sim.load.ArrivalSchedule;
import io.isthmus.sim.profile.SensorSource;
import io.isthmus.sim.profile.SimulatedReading;
import io.isthmus.sim.report.EventKey;
import io.isthmus.sim.report.RunSettings;
import io.isthmus.sim.report.SimulationReport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a simulation: connects to the broker, subscribes to results, publishes events from {@code
 * devices} simulated devices paced by the load shape, waits for stragglers, and reports.
 *
 * <pre>{@code
 * SimulationReport report = Simulation.run(SimulationConfig.builder()
 *     .brokerUri("tcp://127.0.0.1:1883").devices(4).load(LoadShape.poisson(50))
 *     .duration(Duration.ofSeconds(5)).build());
 * assert report.lost() == 0;
 * }</pre>
 *
 * <p>Events are published from one sending thread that parks until each arrival time; the send time
 * of an event is taken just before it is handed to the MQTT client, and its receipt time when the
 * client delivers the result, both on {@link System#nanoTime()}.
 */
public final class Simulation {
  private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);
  // Parking is coarse (about 50-100 us on Linux); spin for the last stretch.
  private static final long SPIN_NANOS = 100_000;
  // Seeds the schedule apart from the sources, so changing the load does not change payloads.
  private static final long SCHEDULE_SALT = 0x5DEECE66DL;

  private final SimulationConfig config;

  private Simulation(SimulationConfig config) {
    this.config = config;
  }

  /**
   * Runs to the end on the calling thread (the configured duration plus at most the drain timeout).
   *
   * @throws SimulationException if the broker cannot be reached or the connection fails while
   *     sending
   */
  public static SimulationReport run(SimulationConfig config) throws SimulationException {
    return new Simulation(config).execute();
  }

  /**
   * Runs on a new thread. The future fails with a {@link SimulationException} (wrapped in a {@link
   * CompletionException} when joined).
   */
  public static CompletableFuture<SimulationReport> start(SimulationConfig config) {
    CompletableFuture<SimulationReport> future = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                future.complete(run(config));
              } catch (SimulationException | RuntimeException e) {
                future.completeExceptionally(e);
              }
            },
            "sim-runner");
    thread.start();
    return future;
  }

  private SimulationReport execute() throws SimulationException {
    long startNanos = System.nanoTime();
    Instant start = Instant.now();
    long startUs = ChronoUnit.MICROS.between(Instant.EPOCH, start);
    EventLedger ledger = new EventLedger(startNanos);
    SensorSource[] sources = new SensorSource[config.devices()];
    String[] deviceIds = new String[config.devices()];
    long[] nextSeq = new long[config.devices()];
    String[] topics = new String[config.devices()];
    boolean protobuf = config.format() == PayloadFormat.PROTOBUF;
    String stream = config.profile().stream();
    for (int i = 0; i < sources.length; i++) {
      deviceIds[i] = config.deviceId(i);
      sources[i] = config.profile().newSource(deviceIds[i], config.seed());
      nextSeq[i] = config.firstSequence();
      topics[i] =
          protobuf
              ? config.topics().sensorProtobuf(deviceIds[i], stream)
              : config.topics().sensor(deviceIds[i], stream);
    }
    SensorEventJson json = SensorEventJson.defaults();
    ArrivalSchedule schedule =
        config.load().schedule(config.duration(), config.seed() ^ SCHEDULE_SALT);
    long publishFailures = 0;
    long lastSendNanos = startNanos;
    LOG.info(
        "Simulation starting broker={} profile={} load={} devices={} duration={}",
        config.brokerUri(),
        config.profile().name(),
        config.load().describe(),
        config.devices(),
        config.duration());
    ProgressPrinter progress =
        config.progress().map(out -> new ProgressPrinter(out, ledger, startNanos)).orElse(null);
    try (MqttLink link = MqttLink.connect(config, ledger::onResult)) {
      long base = System.nanoTime();
      long i = 0;
      for (long offset = schedule.nextNanos();
          offset != ArrivalSchedule.END;
          offset = schedule.nextNanos(), i++) {
        waitUntil(base + offset);
        int device = (int) (i % sources.length);
        long seq = nextSeq[device]++;
        long nowUs = startUs + (System.nanoTime() - startNanos) / 1000;
        SimulatedReading reading = sources[device].next(seq, nowUs);
        byte[] payload = protobuf ? reading.event().toByteArray() : encode(json, reading);
        EventKey key = new EventKey(deviceIds[device], seq);
        long sentNanos = System.nanoTime();
        ledger.recordSend(key, reading, sentNanos, nowUs);
        try {
          link.publish(topics[device], payload, config.qos(), protobuf);
          lastSendNanos = sentNanos;
        } catch (SimulationException e) {
          ledger.forget(key);
          publishFailures++;
          if (publishFailures == 1) {
            LOG.warn("Publish failed device={} seq={}", key.deviceId(), seq, e);
          }
        }
      }
      drain(ledger);
      if (link.waiting() > 0) {
        LOG.warn("Events never sent: the connection did not come back count={}", link.waiting());
      }
    } finally {
      if (progress != null) {
        progress.close();
      }
    }
    if (ledger.malformedCount() > 0) {
      LOG.warn("Results not understood count={}", ledger.malformedCount());
    }
    long lastReceipt = ledger.lastReceiptNanos();
    RunSettings settings =
        new RunSettings(
            config.profile().name(),
            config.profile().stream(),
            config.load().describe(),
            config.devices(),
            config.load().meanRate(config.duration()),
            config.duration(),
            config.qos(),
            config.mqttVersion().label(),
            config.format().name().toLowerCase(java.util.Locale.ROOT),
            config.seed());
    return SimulationReport.of(
        settings,
        ledger.outcomes(),
        ledger.unexpectedKeys(),
        publishFailures,
        lastSendNanos - startNanos,
        lastReceipt == 0 ? 0 : lastReceipt - startNanos);
  }

  private void drain(EventLedger ledger) {
    long deadline = System.nanoTime() + config.drainTimeout().toNanos();
    while (!ledger.allReceived() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(2_000_000);
    }
    if (ledger.allReceived()) {
      // Everything answered: listen a little longer for duplicates.
      long settle = System.nanoTime() + config.settleTime().toNanos();
      while (System.nanoTime() < settle) {
        LockSupport.parkNanos(2_000_000);
      }
    }
  }

  private static void waitUntil(long targetNanos) {
    while (true) {
      long left = targetNanos - System.nanoTime();
      if (left <= 0) {
        return;
      }
      if (left > SPIN_NANOS) {
        LockSupport.parkNanos(left - SPIN_NANOS);
      } else {
        Thread.onSpinWait();
      }
    }
  }

  private static byte[] encode(SensorEventJson json, SimulatedReading reading) {
    try {
      return json.encode(reading.event());
    } catch (ProtocolException e) {
      // The profiles only make finite values; a failure here is a bug in a profile.
      throw new IllegalStateException("A simulated event could not be encoded as JSON", e);
    }
  }
}
