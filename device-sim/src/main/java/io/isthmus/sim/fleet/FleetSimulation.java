package io.isthmus.sim.fleet;

import io.vertx.core.CompositeFuture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many simulated gateways in one JVM, on {@code eventLoops} Vert.x event loops: each has its own
 * MQTT connection and client id, follows its desired state, downloads and verifies packages over a
 * shared HTTP client, and reports its state and run figures every heartbeat.
 *
 * <pre>
 *  FleetPlan (labels, faulty/stuck/silent, latency scatter, from the seed)
 *     -> SimulatedGateway x N --MQTT--> broker <--desired/reported/events--> console
 *            \--PackageFetch (one HTTP client, bounded pool) --> package server
 * </pre>
 *
 * <pre>{@code
 * try (FleetSimulation fleet = FleetSimulation.start(options)) {
 *   fleet.connected().get(60, SECONDS);
 *   ... publish desired states, watch fleet.snapshot().activeVersions() ...
 * }
 * }</pre>
 */
public final class FleetSimulation implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetSimulation.class);

  private final FleetOptions options;
  private final Vertx vertx;
  private final PackageFetch fetch;
  private final FleetCounters counters = new FleetCounters();
  private final List<SimulatedGateway> gateways = new ArrayList<>();
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private long progressTimer = -1;
  private volatile boolean closed;

  private FleetSimulation(FleetOptions options) {
    this.options = options;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops()));
    this.fetch = new PackageFetch(vertx, options);
  }

  /**
   * Draws the fleet and starts connecting its gateways (at {@code connectRate} per second); returns
   * at once. {@link #connected()} completes when every gateway has connected once.
   */
  public static FleetSimulation start(FleetOptions options) {
    FleetSimulation fleet = new FleetSimulation(options);
    fleet.launch();
    return fleet;
  }

  private void launch() {
    for (GatewayProfile profile : FleetPlan.draw(options)) {
      // a context per gateway, spread round-robin over the event loops
      // (getOrCreateContext would hand this thread's one sticky context to every gateway)
      Context context = ((VertxInternal) vertx).createEventLoopContext();
      gateways.add(new SimulatedGateway(profile, options, vertx, context, fetch, counters));
    }
    counters.firstConnectNanos = System.nanoTime();
    double rate = options.connectRate();
    long perTick = rate == 0 ? gateways.size() : Math.max(1, Math.round(rate / 100));
    long tickMs = rate == 0 ? 1 : Math.max(1, Math.round(1000.0 * perTick / rate));
    List<Future<Void>> starts = new ArrayList<>();
    for (int i = 0; i < gateways.size(); i++) {
      SimulatedGateway gateway = gateways.get(i);
      Promise<Void> started = Promise.promise();
      starts.add(started.future());
      long delay = (i / perTick) * tickMs;
      Runnable go =
          () ->
              gateway
                  .start()
                  .onComplete(
                      ar -> {
                        started.complete(); // failures are counted; the fleet goes on
                        if (ar.succeeded() && gateway.profile().silent()) {
                          vertx.setTimer(
                              Math.max(1, options.offlineAfter().toMillis()),
                              id -> gateway.goSilent());
                        }
                      });
      if (delay == 0) {
        go.run();
      } else {
        vertx.setTimer(delay, id -> go.run());
      }
    }
    watchConnections(Future.all(starts));
    options
        .progress()
        .ifPresent(
            out ->
                progressTimer =
                    vertx.setPeriodic(
                        options.progressInterval().toMillis(),
                        id -> out.println("fleet: " + snapshot().line())));
  }

  private void watchConnections(CompositeFuture starts) {
    long check = 20;
    vertx.setPeriodic(
        check,
        id -> {
          if (counters.everConnected.get() >= gateways.size()) {
            counters.allConnectedNanos = System.nanoTime();
            vertx.cancelTimer(id);
            connected.complete(null);
            LOG.info(
                "fleet gateways={} connected in {} ms",
                gateways.size(),
                TimeUnit.NANOSECONDS.toMillis(
                    counters.allConnectedNanos - counters.firstConnectNanos));
          } else if (closed) {
            vertx.cancelTimer(id);
          }
        });
    starts.onComplete(
        ar -> {
          if (counters.everConnected.get() < gateways.size() && !closed) {
            LOG.warn(
                "fleet: {} of {} gateways could not connect (retried by each gateway later)",
                gateways.size() - counters.everConnected.get(),
                gateways.size());
          }
        });
  }

  /** Completes when every gateway has connected at least once. */
  public CompletableFuture<Void> connected() {
    return connected;
  }

  /** The simulated gateways' ids, in index order. */
  public List<String> gatewayIds() {
    return gateways.stream().map(SimulatedGateway::id).toList();
  }

  /** Labels of each gateway, by id. */
  public Map<String, Map<String, String>> labels() {
    return gateways.stream()
        .collect(
            Collectors.toMap(
                SimulatedGateway::id, g -> g.profile().labels(), (a, b) -> a, TreeMap::new));
  }

  /** Ids of the gateways drawn faulty for the fault plan's versions. */
  public List<String> faultyGateways() {
    return gateways.stream().filter(g -> g.profile().faulty()).map(SimulatedGateway::id).toList();
  }

  /** Ids of the stuck gateways. */
  public List<String> stuckGateways() {
    return gateways.stream().filter(g -> g.profile().stuck()).map(SimulatedGateway::id).toList();
  }

  /** Ids of the gateways that fall silent. */
  public List<String> silentGateways() {
    return gateways.stream().filter(g -> g.profile().silent()).map(SimulatedGateway::id).toList();
  }

  /** The fleet's figures now. */
  public FleetSnapshot snapshot() {
    Map<String, Long> versions =
        gateways.stream()
            .collect(
                Collectors.groupingBy(
                    SimulatedGateway::activeVersion, TreeMap::new, Collectors.counting()));
    long all = counters.allConnectedNanos;
    double connectSeconds = all == 0 ? -1 : (all - counters.firstConnectNanos) / 1e9;
    return new FleetSnapshot(
        gateways.size(),
        counters.connected.get(),
        counters.everConnected.get(),
        connectSeconds,
        counters.connectFailures.sum(),
        counters.reconnects.sum(),
        counters.wentSilent.sum(),
        versions,
        counters.events(),
        counters.failures(),
        counters.desiredReceived.sum(),
        counters.desiredIgnoredByStuck.sum(),
        counters.reports.sum(),
        counters.publishFailures.sum(),
        fetch.requests(),
        fetch.bytes(),
        FleetSnapshot.percentiles(counters.adoptMillis()));
  }

  /** The options the fleet runs with. */
  public FleetOptions options() {
    return options;
  }

  /** The gateway with {@code id}, for tests and drivers in this package. */
  Optional<SimulatedGateway> gateway(String id) {
    return gateways.stream().filter(g -> g.id().equals(id)).findFirst();
  }

  /**
   * Each gateway publishes a retained offline report and disconnects cleanly; then the event loops
   * stop. Blocks up to 10 s.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (progressTimer >= 0) {
      vertx.cancelTimer(progressTimer);
    }
    List<Future<Void>> stops = gateways.stream().map(SimulatedGateway::stop).toList();
    try {
      Future.join(stops)
          .toCompletionStage()
          .toCompletableFuture()
          .exceptionally(e -> null)
          .get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("fleet: not every gateway stopped cleanly: {}", e.toString());
    }
    fetch.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("fleet: Vert.x did not close cleanly: {}", e.toString());
    }
  }
}
