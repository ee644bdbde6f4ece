package io.isthmus.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.sync.ModelSync;
import io.isthmus.protocol.manifest.ModelPackage;
import io.isthmus.protocol.manifest.PackageBuilder;
import io.isthmus.protocol.manifest.SigningKey;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.GatewayEventKind;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.protocol.v1.PipelineStatus;
import io.isthmus.protocol.v1.ReportedState;
import io.isthmus.sim.model.VibrationAnomalyModel;
import io.isthmus.sim.profile.VibrationProfile;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model sync against real parts: signed packages made with the protocol's {@link PackageBuilder}, a
 * real HTTP server with Range support, the embedded broker carrying the retained desired state, and
 * the agent's pipeline serving events while its model is swapped.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ModelSyncIT {
  private static final String PLATFORM = "linux-x86_64";

  @TempDir Path dir;
  private SigningKey key;
  private Path packages;
  private Path modelV1;
  private String gateway;
  private EdgeAgent agent;
  private PackageServer server;

  @BeforeEach
  void setUp() throws Exception {
    key = SigningKey.generate();
    key.writeTo(dir.resolve("keys"));
    packages = Files.createDirectories(dir.resolve("packages"));
    modelV1 = dir.resolve("v1.onnx");
    VibrationAnomalyModel.fit(VibrationProfile.defaults(), 400, 42).write(modelV1);
    gateway = "gw-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void tearDown() throws Exception {
    AgentFixture.stop(agent);
    if (server != null) {
      server.close();
    }
  }

  private String config() {
    return config("");
  }

  /** The agent's configuration, {@code gatewayExtra} added to the {@code gateway:} mapping. */
  private String config(String gatewayExtra) {
    return "gateway: {id: "
        + gateway
        + gatewayExtra
        + "}\n"
        + "broker: {embedded: {enabled: true, port: 0}}\n"
        + "http: {host: 127.0.0.1, port: 0}\n"
        + "sync:\n"
        + "  dir: "
        + dir.resolve("sync")
        + "\n  trustedKeys: "
        + dir.resolve("keys/public.pem")
        + "\n  platform: "
        + PLATFORM
        + "\n  watchInterval: 100ms\n"
        + "  download: {attempts: 3, backoffInitial: 20ms, backoffMax: 100ms}\n"
        + "  rollback: {window: 300ms, minRuns: 5, maxErrorRate: 0.2}\n"
        + "pipelines:\n"
        + "  - name: vib\n"
        + "    stream: accel\n"
        + "    pre: [{window: {size: 256}}]\n"
        + "    model: {path: "
        + modelV1
        + ", name: vibration, version: '1'}\n"
        + "    post: {score: {threshold: 2.5}}\n"
        + "    result: {qos: 1}\n";
  }

  /** A signed package of {@code model} in {@code packages/NAME}. */
  private Path pack(String name, String version, Path model, SigningKey signer, String platform)
      throws Exception {
    ModelPackage pkg =
        new PackageBuilder("vibration", version)
            .addFile(model, "model.onnx")
            .platform(platform)
            .pack(packages.resolve(name));
    pkg.sign(signer);
    return packages.resolve(name);
  }

  private Path fittedModel(String name, long seed) throws Exception {
    Path file = dir.resolve(name);
    VibrationAnomalyModel.fit(VibrationProfile.defaults(), 300, seed).write(file);
    return file;
  }

  private DesiredState desired(long generation, String version, Path pkg) throws Exception {
    String sha =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(pkg.resolve(ModelPackage.MANIFEST_FILE))));
    return DesiredState.newBuilder()
        .setGatewayId(gateway)
        .setGeneration(generation)
        .putPipelines(
            "vib",
            DesiredModel.newBuilder()
                .setModelName("vibration")
                .setModelVersion(version)
                .setDownloadUrl(server.url(pkg.getFileName().toString()))
                .setSha256(sha)
                .build())
        .build();
  }

  private void publishDesired(DesiredState state) throws Exception {
    MqttClient client =
        new MqttClient(agent.brokerUri(), "console-" + gateway, new MemoryPersistence());
    client.connect();
    try {
      client.publish("isthmus/v1/gateways/" + gateway + "/desired", state.toByteArray(), 1, true);
    } finally {
      client.disconnect();
      client.close();
    }
  }

  private ModelSync sync() {
    return agent.sync().orElseThrow();
  }

  private PipelineStatus status() {
    return sync().reported().getPipelinesOrThrow("vib");
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Sends {@code n} events and checks each gets exactly one result. */
  private void servesExactlyOnce(TestMqttClient client, int from, int n) throws Exception {
    for (int i = from; i < from + n; i++) {
      client.publish("sensors/dev-1/accel", Payloads.series(i, 256));
    }
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      InferenceResult r = client.nextResult();
      assertThat(seen.add(r.getSequence())).as("duplicate result for %s", r.getSequence()).isTrue();
    }
    assertThat(seen).hasSize(n);
  }

  @Test
  void desiredVersionIsFetchedResumedVerifiedInstalledAndSwappedWhileEventsRun(Vertx vertx)
      throws Exception {
    // GIVEN an agent serving v1, and v2 on a server that drops the first download half-way
    server = new PackageServer(packages, 0);
    Path v2 = pack("vib-2", "2", fittedModel("v2.onnx", 7), key, PLATFORM);
    server.dropOnce("vib-2/model.onnx");
    agent = AgentFixture.start(vertx, config(), dir);
    assertThat(status().getActiveVersion()).isEqualTo("1");
    try (TestMqttClient client =
        new TestMqttClient(agent.brokerUri(), "isthmus/v1/results/vib/#")) {
      // a subscriber for the retained report
      MqttClient console =
          new MqttClient(agent.brokerUri(), "reported-" + gateway, new MemoryPersistence());
      console.connect();
      java.util.concurrent.atomic.AtomicReference<ReportedState> lastReport =
          new java.util.concurrent.atomic.AtomicReference<>();
      console.subscribe(
          "isthmus/v1/gateways/" + gateway + "/reported",
          1,
          (t, m) -> lastReport.set(ReportedState.parseFrom(m.getPayload())));

      // WHEN the console publishes v2 as desired while events keep arriving
      publishDesired(desired(1, "2", v2));
      int sent = 0;
      Set<Long> seen = new HashSet<>();
      java.util.TreeMap<Long, String> versions = new java.util.TreeMap<>();
      while (!status().getActiveVersion().equals("2") || sent < 200) {
        client.publish("sensors/dev-1/accel", Payloads.series(sent, 256));
        sent++;
        if (sent > 20_000) {
          throw new AssertionError("v2 never became active: " + sync().reported());
        }
      }
      for (int i = 0; i < sent; i++) {
        InferenceResult r = client.nextResult();
        assertThat(seen.add(r.getSequence())).as("duplicate %s", r.getSequence()).isTrue();
        versions.put(r.getSequence(), r.getModelVersion());
      }

      // THEN every event got exactly one result across the swap, each naming the version that
      // served it (v1 up to the swap, v2 from it on: one worker serves events in order), the
      // download resumed by Range, and the retained report shows v2 active with no error
      assertThat(seen).hasSize(sent);
      java.util.List<String> inOrder = new java.util.ArrayList<>(versions.values());
      assertThat(inOrder).first().isEqualTo("1");
      assertThat(inOrder).last().isEqualTo("2");
      assertThat(inOrder).isSortedAccordingTo(String::compareTo);
      assertThat(client.pending()).isZero();
      assertThat(server.rangeRequests.get()).isGreaterThanOrEqualTo(1);
      await(
          "report of v2",
          () ->
              lastReport.get() != null
                  && lastReport.get().getPipelinesOrThrow("vib").getActiveVersion().equals("2"));
      PipelineStatus reported = lastReport.get().getPipelinesOrThrow("vib");
      assertThat(reported.getModelName()).isEqualTo("vibration");
      assertThat(reported.hasLastError()).isFalse();
      assertThat(lastReport.get().getObservedGeneration()).isEqualTo(1);
      console.disconnect();
      console.close();
    }
  }

  @Test
  void honoTransportTakesTheDesiredCommandAndReportsAsTelemetryAndEvents(Vertx vertx)
      throws Exception {
    // GIVEN an agent on Hono's MQTT adapter topics (the broker stands in for the adapter:
    // embedded, or with CI=true Mosquitto at 127.0.0.1:1883), and v2 on the package server
    server = new PackageServer(packages, 0);
    Path v2 = pack("vib-2", "2", fittedModel("v2.onnx", 7), key, PLATFORM);
    String config =
        config().replace("  watchInterval: 100ms\n", "  watchInterval: 100ms\n  transport: hono\n");
    if ("true".equals(System.getenv("CI"))) {
      config =
          config.replace(
              "broker: {embedded: {enabled: true, port: 0}}\n",
              "mqtt: {uri: 'tcp://127.0.0.1:1883', clientId: agent-" + gateway + "}\n");
    }
    agent = AgentFixture.start(vertx, config, dir);
    java.util.concurrent.BlockingQueue<ReportedState> telemetry =
        new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.BlockingQueue<GatewayEvent> events =
        new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.Set<String> topics = java.util.concurrent.ConcurrentHashMap.newKeySet();
    MqttClient adapter =
        new MqttClient(agent.brokerUri(), "hono-" + gateway, new MemoryPersistence());
    adapter.connect();
    try {
      adapter.subscribe(
          "telemetry/#",
          1,
          (t, m) -> {
            ReportedState report = ReportedState.parseFrom(m.getPayload());
            if (report.getGatewayId().equals(gateway)) {
              topics.add(t);
              telemetry.add(report);
            }
          });
      adapter.subscribe(
          "event/#",
          1,
          (t, m) -> {
            GatewayEvent event = GatewayEvent.parseFrom(m.getPayload());
            if (event.getGatewayId().equals(gateway)) {
              topics.add(t);
              events.add(event);
            }
          });

      // WHEN a command of another name arrives (were it taken, its generation 5 would make the
      // agent ignore generation 2), then the one-way command "desired" with v2 at generation 2
      adapter.publish("command///req//reboot", desired(5, "9", v2).toByteArray(), 1, false);
      adapter.publish("command///req//desired", desired(2, "2", v2).toByteArray(), 1, false);

      // THEN v2 becomes active at generation 2, reported as Hono telemetry and events carrying
      // the protobuf content type in the property bag, on no Isthmus topic
      await("v2 active", () -> status().getActiveVersion().equals("2"));
      ReportedState report;
      do {
        report = telemetry.poll(30, TimeUnit.SECONDS);
        assertThat(report).as("a telemetry report of v2").isNotNull();
      } while (!report.getPipelinesOrThrow("vib").getActiveVersion().equals("2"));
      assertThat(report.getObservedGeneration()).isEqualTo(2);
      GatewayEvent event = events.poll(30, TimeUnit.SECONDS);
      assertThat(event).as("a Hono event").isNotNull();
      assertThat(event.getGeneration()).isEqualTo(2);
      assertThat(event.getPipeline()).isEqualTo("vib");
      assertThat(topics)
          .containsExactlyInAnyOrder(
              "telemetry/?content-type=application%2Fx-protobuf",
              "event/?content-type=application%2Fx-protobuf");
    } finally {
      adapter.disconnect();
      adapter.close();
    }
  }

  @Test
  void badPackagesAreRefusedWithTheirReasonWhileTheCurrentVersionServes(Vertx vertx)
      throws Exception {
    // GIVEN an agent serving v1
    server = new PackageServer(packages, 0);
    agent = AgentFixture.start(vertx, config(), dir);
    Path tampered = pack("tampered", "2", fittedModel("t.onnx", 3), key, PLATFORM);
    byte[] bytes = Files.readAllBytes(tampered.resolve("model.onnx"));
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(tampered.resolve("model.onnx"), bytes);
    Path unknownKey =
        pack("unknown", "3", fittedModel("u.onnx", 4), SigningKey.generate(), PLATFORM);
    Path otherPlatform = pack("arm", "4", fittedModel("a.onnx", 5), key, "linux-aarch64");
    Path truncated = pack("truncated", "5", fittedModel("c.onnx", 6), key, PLATFORM);
    byte[] whole = Files.readAllBytes(truncated.resolve("model.onnx"));
    Files.write(
        truncated.resolve("model.onnx"), java.util.Arrays.copyOf(whole, whole.length - 100));

    Object[][] cases = {
      {tampered, "2", "hash_mismatch"},
      {unknownKey, "3", "unknown_key"},
      {otherPlatform, "4", "platform_mismatch"},
      {truncated, "5", "size_mismatch"},
    };
    try (TestMqttClient client =
        new TestMqttClient(agent.brokerUri(), "isthmus/v1/results/vib/#")) {
      long generation = 1;
      int seq = 0;
      for (Object[] c : cases) {
        // WHEN each is desired
        publishDesired(desired(generation, (String) c[1], (Path) c[0]));
        long g = generation++;
        await(
            c[2] + " in reported",
            () ->
                sync().reported().getObservedGeneration() == g
                    && status().getLastError().startsWith((String) c[2] + ":"));
        // THEN it is refused with its reason, v1 keeps serving
        assertThat(status().getActiveVersion()).isEqualTo("1");
        servesExactlyOnce(client, seq, 5);
        seq += 5;
      }

      // WHEN the desired topic carries something that is not a DesiredState
      MqttClient console =
          new MqttClient(agent.brokerUri(), "bad-" + gateway, new MemoryPersistence());
      console.connect();
      console.publish(
          "isthmus/v1/gateways/" + gateway + "/desired", new byte[] {(byte) 0xff}, 1, false);
      console.disconnect();
      console.close();
      // THEN it is reported and ignored
      await(
          "malformed_desired",
          () -> sync().reported().getLastError().startsWith("malformed_desired:"));
      assertThat(status().getActiveVersion()).isEqualTo("1");
      servesExactlyOnce(client, seq, 3);
    }
    assertThat(
            Files.list(dir.resolve("sync/store"))
                .filter(p -> !p.getFileName().toString().startsWith("."))
                .count())
        .as("nothing refused entered the store")
        .isZero();
  }

  @Test
  void aModelThatFailsToLoadIsRefusedAndOneThatFailsTooOftenIsRolledBack(Vertx vertx)
      throws Exception {
    // GIVEN an agent serving v1, a signed package whose model does not load, and one whose model
    // warms up on zeros but fails on every real event
    server = new PackageServer(packages, 0);
    agent = AgentFixture.start(vertx, config(), dir);
    Path garbage = dir.resolve("garbage.onnx");
    Files.writeString(garbage, "this is not an ONNX model");
    Path broken = pack("broken", "2", garbage, key, PLATFORM);
    Path failingFile = dir.resolve("failing.onnx");
    Files.write(failingFile, FailingModel.onnx());
    Path failing = pack("failing", "3", failingFile, key, PLATFORM);

    try (TestMqttClient client =
        new TestMqttClient(agent.brokerUri(), "isthmus/v1/results/vib/#")) {
      // WHEN the broken one is desired THEN it is refused as load_failed and v1 keeps serving
      publishDesired(desired(1, "2", broken));
      await("load_failed", () -> status().getLastError().startsWith("load_failed:"));
      assertThat(status().getActiveVersion()).isEqualTo("1");
      servesExactlyOnce(client, 0, 3);

      // WHEN the failing one is desired, becomes active and events arrive
      publishDesired(desired(2, "3", failing));
      await("v3 active", () -> status().getActiveVersion().equals("3"));
      int seq = 100;
      while (!status().getActiveVersion().equals("1")) {
        client.publish("sensors/dev-1/accel", Payloads.series(seq++, 256));
        Thread.sleep(5);
        if (seq > 5_000) {
          throw new AssertionError("v3 was not rolled back: " + sync().reported());
        }
      }
      // THEN it is rolled back to v1 with the reason reported, and v1 answers again
      assertThat(status().getLastError()).startsWith("error_rate:");
      assertThat(sync().reported().getHealthValue()).isEqualTo(2); // HEALTH_DEGRADED
      while (client.pending() > 0) {
        client.nextResult();
      }
      servesExactlyOnce(client, 10_000, 3);
    }
  }

  @Test
  void startsFromItsStoreWithNoNetworkAndReconcilesWhenThePackageServerReturns(Vertx vertx)
      throws Exception {
    // GIVEN an agent that synced v2 once, then stopped
    server = new PackageServer(packages, 0);
    Path v2 = pack("vib-2", "2", fittedModel("v2.onnx", 7), key, PLATFORM);
    agent = AgentFixture.start(vertx, config(), dir);
    publishDesired(desired(1, "2", v2));
    await("v2 active", () -> status().getActiveVersion().equals("2"));
    AgentFixture.stop(agent);
    agent = null;
    server.close();
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    // v3 is desired (cached on disk by the agent) while nothing listens at its URL
    Path v3 = pack("vib-3", "3", fittedModel("v3.onnx", 9), key, PLATFORM);
    server = new PackageServer(packages, port);
    DesiredState want3 = desired(2, "3", v3);
    server.close();
    Files.write(dir.resolve("desired.pb"), want3.toByteArray());
    String offline =
        config()
            .replace(
                "  watchInterval: 100ms\n",
                "  watchInterval: 100ms\n  desiredFile: " + dir.resolve("desired.pb") + "\n");

    // WHEN the agent starts again with a fresh embedded broker and no package server
    agent = AgentFixture.start(vertx, offline, dir);

    // THEN it serves v2 from its store and reports the download failure
    assertThat(status().getActiveVersion()).isEqualTo("2");
    try (TestMqttClient client =
        new TestMqttClient(agent.brokerUri(), "isthmus/v1/results/vib/#")) {
      servesExactlyOnce(client, 0, 5);
    }
    await("download_failed", () -> status().getLastError().startsWith("download_failed:"));
    assertThat(status().getActiveVersion()).isEqualTo("2");

    // WHEN the package server comes back THEN v3 is installed without anything else happening
    server = new PackageServer(packages, port);
    await("v3 active", () -> status().getActiveVersion().equals("3"));
    assertThat(status().hasLastError()).isFalse();
  }

  @Test
  void reportsCarryIdentityAndRunFiguresOnAHeartbeatAndEventsGoThroughTheOutbox(Vertx vertx)
      throws Exception {
    // GIVEN an agent with labels, a short heartbeat and an outbox, and v2 on the package server
    server = new PackageServer(packages, 0);
    Path v2 = pack("vib-2", "2", fittedModel("v2.onnx", 7), key, PLATFORM);
    String withOutbox =
        config(", labels: {site: plant-3, hw: rpi5}")
                .replace("  watchInterval: 100ms\n", "  watchInterval: 100ms\n  heartbeat: 200ms\n")
            + "outbox: {dir: "
            + dir.resolve("outbox")
            + "}\n";
    agent = AgentFixture.start(vertx, withOutbox, dir);
    java.util.concurrent.LinkedBlockingQueue<ReportedState> reports =
        new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.LinkedBlockingQueue<GatewayEvent> events =
        new java.util.concurrent.LinkedBlockingQueue<>();
    MqttClient console =
        new MqttClient(agent.brokerUri(), "console-view-" + gateway, new MemoryPersistence());
    console.connect();
    console.subscribe(
        "isthmus/v1/gateways/" + gateway + "/reported",
        1,
        (t, m) -> reports.add(ReportedState.parseFrom(m.getPayload())));
    console.subscribe(
        "isthmus/v1/gateways/" + gateway + "/events",
        1,
        (t, m) -> events.add(GatewayEvent.parseFrom(m.getPayload())));
    try (TestMqttClient client =
        new TestMqttClient(agent.brokerUri(), "isthmus/v1/results/vib/#")) {
      // WHEN v2 becomes active and serves 20 events
      publishDesired(desired(1, "2", v2));
      await("v2 active", () -> status().getActiveVersion().equals("2"));
      long swappedAtUs = status().getStats().getSinceUs();
      servesExactlyOnce(client, 0, 20);
      await("runs of v2 counted", () -> status().getStats().getRuns() >= 1);

      // THEN the report names the gateway's labels, platform and agent version, and the run
      // figures of v2 alone, counted from its swap
      ReportedState report = sync().reported();
      assertThat(report.getLabelsMap())
          .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("site", "plant-3", "hw", "rpi5"));
      assertThat(report.getPlatform()).isEqualTo(PLATFORM);
      assertThat(report.getAgentVersion()).isEqualTo(AgentVersion.current()).isNotBlank();
      io.isthmus.protocol.v1.PipelineStats stats = status().getStats();
      assertThat(stats.getModelVersion()).isEqualTo("2");
      // one run per batch: 1 to 20 runs for the 20 events, none failed
      assertThat(stats.getRuns()).isBetween(1L, 20L);
      assertThat(stats.getErrors()).isZero();
      assertThat(stats.getP50Us()).isPositive().isLessThanOrEqualTo(stats.getP95Us());
      assertThat(stats.getSinceUs()).isEqualTo(swappedAtUs).isGreaterThan(report.getStartedAtUs());

      // AND with nothing changing, reports keep coming on the heartbeat, each newer
      reports.clear();
      ReportedState first = reports.poll(10, TimeUnit.SECONDS);
      ReportedState second = reports.poll(10, TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      assertThat(second).isNotNull();
      assertThat(second.getReportedAtUs()).isGreaterThan(first.getReportedAtUs());
      assertThat(second.getPipelinesOrThrow("vib").getStats().getModelVersion()).isEqualTo("2");

      // AND the progress events came through the outbox: each with its idempotency key, in order
      java.util.List<GatewayEvent> got = new java.util.ArrayList<>();
      await(
          "the ACTIVATED event",
          () -> {
            events.drainTo(got);
            return got.stream()
                .anyMatch(e -> e.getKind() == GatewayEventKind.GATEWAY_EVENT_KIND_ACTIVATED);
          });
      assertThat(got).allMatch(e -> e.getIdempotencyKey().startsWith(gateway + ":"));
      assertThat(got.stream().map(GatewayEvent::getKind).toList())
          .containsSubsequence(
              GatewayEventKind.GATEWAY_EVENT_KIND_DOWNLOAD_STARTED,
              GatewayEventKind.GATEWAY_EVENT_KIND_VERIFIED,
              GatewayEventKind.GATEWAY_EVENT_KIND_INSTALLED,
              GatewayEventKind.GATEWAY_EVENT_KIND_ACTIVATED);
    } finally {
      console.disconnect();
      console.close();
    }
  }
}
