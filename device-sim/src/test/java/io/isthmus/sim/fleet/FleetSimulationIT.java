package io.isthmus.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.protocol.manifest.PackageBuilder;
import io.isthmus.protocol.manifest.SigningKey;
import io.isthmus.protocol.manifest.TrustedKeys;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.GatewayEventKind;
import io.isthmus.protocol.v1.Health;
import io.isthmus.protocol.v1.PipelineStats;
import io.isthmus.protocol.v1.PipelineStatus;
import io.isthmus.protocol.v1.ReportedState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet simulator against a real broker (embedded Moquette, or Mosquitto with CI=true) and a
 * real HTTP server holding real packages signed with {@link PackageBuilder} and an Ed25519 key: the
 * test plays the console, publishing desired states and reading reports and events.
 */
@Timeout(120)
class FleetSimulationIT {
  private static final String PIPELINE = "vibration";
  private static final String MODEL = "vibration-anomaly";

  @TempDir static Path dir;
  private static FleetBroker broker;
  private static PackageServer server;
  private static SigningKey key;
  private static SigningKey otherKey;

  @BeforeAll
  static void start() throws Exception {
    broker = FleetBroker.start(Files.createDirectories(dir.resolve("broker")));
    key = SigningKey.generate();
    otherKey = SigningKey.generate();
    Path pkgs = Files.createDirectories(dir.resolve("pkg"));
    pack(pkgs, "v2", "2.0.0", key);
    pack(pkgs, "v3", "3.0.0", key);
    pack(pkgs, "shared", "4.0.0", key);
    pack(pkgs, "tampered", "2.1.0", key);
    // altered after signing: same size, other bytes
    Path model = pkgs.resolve("tampered/model.onnx");
    byte[] bytes = Files.readAllBytes(model);
    bytes[10] ^= 0x5a;
    Files.write(model, bytes);
    pack(pkgs, "foreign", "2.2.0", otherKey);
    server = new PackageServer(pkgs);
  }

  @AfterAll
  static void stop() {
    server.close();
    broker.close();
  }

  /** The console's view (reports and events, desired states out) of the fleet under test. */
  private FleetObserver console;

  private FleetSimulation sim;
  private List<String> ids;

  /**
   * Starts the console's observer and {@code options}' fleet, after stopping the ones a test
   * started before, and waits until all gateways are connected.
   */
  private void startFleet(FleetOptions options) throws Exception {
    stopFleet();
    console = new FleetObserver(broker.uri());
    sim = FleetSimulation.start(options);
    sim.connected().get(30, TimeUnit.SECONDS);
    ids = sim.gatewayIds();
  }

  @AfterEach
  void stopFleet() throws Exception {
    try {
      if (sim != null) {
        sim.close();
      }
    } finally {
      sim = null;
      if (console != null) {
        console.close();
        console = null;
      }
    }
  }

  private static void pack(Path root, String name, String version, SigningKey signer)
      throws IOException {
    Path files = Files.createDirectories(dir.resolve("src-" + name));
    byte[] weights = new byte[64 * 1024 + name.length()];
    new Random(name.hashCode()).nextBytes(weights);
    Files.write(files.resolve("model.onnx"), weights);
    Files.writeString(files.resolve("labels.txt"), "healthy\nfault\n");
    new PackageBuilder(MODEL, version)
        .addFile(files.resolve("model.onnx"), "model.onnx")
        .addFile(files.resolve("labels.txt"), "labels.txt")
        .pack(root.resolve(name))
        .sign(signer);
  }

  private static DesiredModel desired(String pkg, String version) throws Exception {
    byte[] manifest = Files.readAllBytes(dir.resolve("pkg").resolve(pkg).resolve("manifest.pb"));
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(manifest));
    return DesiredModel.newBuilder()
        .setModelName(MODEL)
        .setModelVersion(version)
        .setDownloadUrl(server.url(pkg))
        .setSha256(sha)
        .build();
  }

  private static FleetOptions.Builder fleet(int count) {
    return FleetOptions.builder()
        .brokerUri(broker.uri())
        .count(count)
        .idPrefix("t" + UUID.randomUUID().toString().substring(0, 6) + "-")
        .trusted(TrustedKeys.of(List.of(key.publicKey())))
        .pipeline(PIPELINE, MODEL, "1.0.0")
        .heartbeat(Duration.ofMillis(500))
        .eventLoops(2)
        .seed(7);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** Waits until the last report of each of {@code gateways} passes {@code condition}. */
  private void awaitReports(
      String what, Collection<String> gateways, Predicate<ReportedState> condition)
      throws InterruptedException {
    await(
        what,
        () ->
            gateways.stream()
                .allMatch(id -> console.reported(id).map(condition::test).orElse(false)));
  }

  /** Waits until each of {@code gateways} has reported a pipeline status that passes. */
  private void awaitPipelines(
      String what, Collection<String> gateways, Predicate<PipelineStatus> condition)
      throws InterruptedException {
    // a report without the pipeline (a last will, a stop) does not pass, rather than throw
    awaitReports(
        what,
        gateways,
        r -> r.containsPipelines(PIPELINE) && condition.test(r.getPipelinesOrThrow(PIPELINE)));
  }

  private static PipelineStatus status(FleetObserver console, String id) {
    return console.reported(id).orElseThrow().getPipelinesOrThrow(PIPELINE);
  }

  private static List<GatewayEventKind> kinds(FleetObserver console, String id, long generation) {
    return console.events(id).stream()
        .filter(e -> e.getGeneration() == generation)
        .map(GatewayEvent::getKind)
        .toList();
  }

  @Test
  void fiftyGatewaysFollowADesiredStateChange() throws Exception {
    FleetOptions options =
        fleet(50)
            .labels(Map.of("site", "plant-a"))
            .spread(LabelSpread.parse("ring=canary:1,stable:4"))
            .platform("linux-aarch64")
            .agentVersion("sim-test")
            .build();
    startFleet(options);
    awaitReports("50 first reports", ids, r -> true);
    ReportedState first = console.reported(ids.get(0)).orElseThrow();
    assertThat(first.getPlatform()).isEqualTo("linux-aarch64");
    assertThat(first.getAgentVersion()).isEqualTo("sim-test");
    assertThat(first.getLabelsMap()).containsEntry("site", "plant-a").containsKey("ring");
    assertThat(first.getPipelinesOrThrow(PIPELINE).getActiveVersion()).isEqualTo("1.0.0");
    Map<String, Long> rings =
        ids.stream()
            .map(id -> console.reported(id).orElseThrow().getLabelsOrThrow("ring"))
            .collect(Collectors.groupingBy(r -> r, Collectors.counting()));
    assertThat(rings).containsEntry("canary", 10L).containsEntry("stable", 40L);

    console.desire(ids, 1, PIPELINE, desired("v2", "2.0.0"));

    awaitReports(
        "all 50 on 2.0.0",
        ids,
        r ->
            r.getObservedGeneration() == 1
                && r.getPipelinesOrThrow(PIPELINE).getActiveVersion().equals("2.0.0"));
    for (String id : ids) {
      ReportedState r = console.reported(id).orElseThrow();
      PipelineStatus s = status(console, id);
      assertThat(r.getHealth()).isEqualTo(Health.HEALTH_OK);
      assertThat(r.hasLastError()).isFalse();
      assertThat(s.getModelName()).isEqualTo(MODEL);
      assertThat(s.getInstalledVersion()).isEqualTo("2.0.0");
      assertThat(s.getStats().getModelVersion()).isEqualTo("2.0.0");
      assertThat(kinds(console, id, 1))
          .containsExactly(
              GatewayEventKind.GATEWAY_EVENT_KIND_DOWNLOAD_STARTED,
              GatewayEventKind.GATEWAY_EVENT_KIND_VERIFIED,
              GatewayEventKind.GATEWAY_EVENT_KIND_INSTALLED,
              GatewayEventKind.GATEWAY_EVENT_KIND_ACTIVATED);
    }
    assertThat(console.events(ids.get(3)).get(1).getMessage())
        .isEqualTo("signed by key " + key.id());
    // every gateway fetched the manifest and both files over HTTP
    assertThat(server.requests("v2", "manifest.pb")).isEqualTo(50);
    assertThat(server.requests("v2", "model.onnx")).isEqualTo(50);
    assertThat(server.requests("v2", "labels.txt")).isEqualTo(50);
    FleetSnapshot snapshot = sim.snapshot();
    assertThat(snapshot.activeVersions()).isEqualTo(Map.of("2.0.0", 50L));
    assertThat(snapshot.events()).containsEntry("ACTIVATED", 50L).containsEntry("FAILED", 0L);
    assertThat(snapshot.adoptMs()).containsEntry("count", 50L);

    // a retained desired state that repeats the generation changes nothing
    console.desire(ids.subList(0, 5), 1, PIPELINE, desired("v2", "2.0.0"));
    Thread.sleep(500);
    assertThat(sim.snapshot().events()).containsEntry("DOWNLOAD_STARTED", 50L);
  }

  @Test
  void withTheSharedCacheEachFileIsDownloadedOnce() throws Exception {
    FleetOptions options = fleet(12).fetch(FleetOptions.FetchMode.ONCE).build();
    startFleet(options);
    console.desire(ids, 6, PIPELINE, desired("shared", "4.0.0"));
    awaitPipelines("12 gateways on 4.0.0", ids, p -> p.getActiveVersion().equals("4.0.0"));
    assertThat(server.requests("shared", "manifest.pb")).isEqualTo(12);
    assertThat(server.requests("shared", "model.onnx")).isEqualTo(1);
    assertThat(server.requests("shared", "labels.txt")).isEqualTo(1);
    assertThat(sim.snapshot().events()).containsEntry("ACTIVATED", 12L);
  }

  @Test
  void tamperedPackagesAndUnknownKeysAreRefusedWithTheirReason() throws Exception {
    startFleet(fleet(4).build());
    console.desire(ids.subList(0, 2), 5, PIPELINE, desired("tampered", "2.1.0"));
    console.desire(ids.subList(2, 4), 5, PIPELINE, desired("foreign", "2.2.0"));

    awaitReports("4 refusals reported", ids, r -> r.getObservedGeneration() == 5);
    for (String id : ids) {
      ReportedState r = console.reported(id).orElseThrow();
      assertThat(r.getHealth()).isEqualTo(Health.HEALTH_DEGRADED);
      assertThat(status(console, id).getActiveVersion()).isEqualTo("1.0.0");
      assertThat(status(console, id).getStats().getModelVersion()).isEqualTo("1.0.0");
      assertThat(kinds(console, id, 5))
          .last()
          .isEqualTo(GatewayEventKind.GATEWAY_EVENT_KIND_FAILED);
    }
    for (String id : ids.subList(0, 2)) {
      assertThat(console.reported(id).orElseThrow().getLastError())
          .startsWith("hash_mismatch: model.onnx has sha256 ")
          .endsWith("the file was altered");
      assertThat(kinds(console, id, 5))
          .containsExactly(
              GatewayEventKind.GATEWAY_EVENT_KIND_DOWNLOAD_STARTED,
              GatewayEventKind.GATEWAY_EVENT_KIND_FAILED);
    }
    for (String id : ids.subList(2, 4)) {
      assertThat(console.reported(id).orElseThrow().getLastError())
          .startsWith("unknown_key: The manifest is signed by key " + otherKey.id());
    }
    // an unknown key is refused before any model file is fetched
    assertThat(server.requests("foreign", "manifest.pb")).isEqualTo(2);
    assertThat(server.requests("foreign", "model.onnx")).isZero();
    assertThat(sim.snapshot().failures()).isEqualTo(Map.of("hash_mismatch", 2L, "unknown_key", 2L));
  }

  @Test
  void faultyGatewaysReportTheConfiguredFigures() throws Exception {
    HealthFigures health = new HealthFigures(1000, 0.002, 8, 14, 0);
    FleetOptions options =
        fleet(20)
            .spread(LabelSpread.parse("hw=pi4,jetson"))
            .health(health)
            .fault(new FaultPlan("3.*", FaultMode.ERRORS, 0.5, Map.of("hw", "pi4"), 0.25, 8))
            .build();
    startFleet(options);
    Set<String> faulty = Set.copyOf(sim.faultyGateways());
    // half of the ten pi4 gateways
    assertThat(faulty).hasSize(5);
    assertThat(faulty).allMatch(id -> sim.labels().get(id).get("hw").equals("pi4"));

    console.desire(ids, 2, PIPELINE, desired("v3", "3.0.0"));
    awaitPipelines(
        "20 gateways on 3.0.0 with at least 2,000 runs",
        ids,
        p -> p.getStats().getModelVersion().equals("3.0.0") && p.getStats().getRuns() >= 2_000);
    for (String id : ids) {
      PipelineStats stats = status(console, id).getStats();
      double rate = faulty.contains(id) ? 0.25 : 0.002;
      assertThat(stats.getErrors()).as(id).isEqualTo(Math.round(stats.getRuns() * rate));
      assertThat(stats.getP50Us()).as(id).isEqualTo(8_000);
      assertThat(stats.getP95Us()).as(id).isEqualTo(14_000);
    }

    FleetOptions latency =
        fleet(10)
            .health(health)
            .fault(new FaultPlan("3.0.0", FaultMode.LATENCY, 0.3, Map.of(), 0.25, 8))
            .rollbackAfter(Duration.ofMillis(1500))
            .build();
    startFleet(latency);
    Set<String> slow = Set.copyOf(sim.faultyGateways());
    assertThat(slow).hasSize(3);
    console.desire(ids, 3, PIPELINE, desired("v3", "3.0.0"));
    awaitPipelines(
        "3 gateways at 8 times the latency", slow, p -> p.getStats().getP95Us() == 112_000);
    // then they roll back by themselves, and say why
    await(
        "3 rollbacks",
        () ->
            slow.stream()
                .allMatch(
                    id ->
                        kinds(console, id, 3)
                            .contains(GatewayEventKind.GATEWAY_EVENT_KIND_ROLLED_BACK)));
    awaitPipelines("rolled-back reports", slow, p -> p.getActiveVersion().equals("1.0.0"));
    for (String id : slow) {
      assertThat(status(console, id).getLastError()).startsWith("latency: 3.0.0 ran at p95 112 ms");
      assertThat(status(console, id).getStats().getP95Us()).isEqualTo(14_000);
    }
    for (String id : ids) {
      if (!slow.contains(id)) {
        assertThat(status(console, id).getActiveVersion()).isEqualTo("3.0.0");
        assertThat(status(console, id).getStats().getP95Us()).isEqualTo(14_000);
      }
    }
  }

  @Test
  void loadFaultsRefuseToActivate() throws Exception {
    FleetOptions options =
        fleet(10).fault(new FaultPlan("3.0.0", FaultMode.LOAD, 0.4, Map.of(), 0.25, 8)).build();
    startFleet(options);
    Set<String> faulty = Set.copyOf(sim.faultyGateways());
    console.desire(ids, 4, PIPELINE, desired("v3", "3.0.0"));
    awaitReports("10 reports of generation 4", ids, r -> r.getObservedGeneration() == 4);
    assertThat(faulty).hasSize(4);
    for (String id : ids) {
      PipelineStatus s = status(console, id);
      if (faulty.contains(id)) {
        assertThat(s.getActiveVersion()).isEqualTo("1.0.0");
        assertThat(s.getInstalledVersion()).isEqualTo("3.0.0");
        assertThat(s.getLastError())
            .startsWith("load_failed: vibration-anomaly 3.0.0 does not load");
        assertThat(kinds(console, id, 4))
            .last()
            .isEqualTo(GatewayEventKind.GATEWAY_EVENT_KIND_FAILED);
      } else {
        assertThat(s.getActiveVersion()).isEqualTo("3.0.0");
      }
    }
    assertThat(sim.snapshot().activeVersions()).isEqualTo(Map.of("1.0.0", 4L, "3.0.0", 6L));
  }

  @Test
  void silentGatewaysTriggerTheirLastWill() throws Exception {
    FleetOptions options =
        fleet(6)
            .keepAlive(Duration.ofSeconds(1))
            .offline(0.5, Duration.ofMillis(300))
            .stuckFraction(0)
            .build();
    startFleet(options);
    Set<String> silent = Set.copyOf(sim.silentGateways());
    assertThat(silent).hasSize(3);
    awaitReports("3 last wills", silent, r -> r.getHealth() == Health.HEALTH_FAILING);
    for (String id : silent) {
      ReportedState will = console.reported(id).orElseThrow();
      assertThat(will.getLastError()).isEqualTo(SimulatedGateway.OFFLINE);
      assertThat(will.getPipelinesMap()).isEmpty();
      assertThat(will.getGatewayId()).isEqualTo(id);
    }
    Thread.sleep(1000); // the others are still there, reporting
    for (String id : ids) {
      if (!silent.contains(id)) {
        assertThat(console.reported(id).orElseThrow().getHealth()).isEqualTo(Health.HEALTH_OK);
      }
    }
    assertThat(sim.snapshot().silent()).isEqualTo(3);
    sim.close();
    // a clean stop says so too
    awaitReports(
        "3 stop reports",
        ids.stream().filter(id -> !silent.contains(id)).toList(),
        r -> SimulatedGateway.STOPPED.equals(r.getLastError()));
  }
}
