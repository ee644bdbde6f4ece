package io.isthmus.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.outbox.Outbox;
import io.isthmus.agent.outbox.OutboxMessage;
import io.isthmus.agent.outbox.OutboxOptions;
import io.isthmus.inference.store.ModelStore;
import io.isthmus.protocol.broker.EmbeddedBroker;
import io.isthmus.protocol.json.InferenceResultJson;
import io.isthmus.protocol.manifest.ModelPackage;
import io.isthmus.protocol.manifest.PackageBuilder;
import io.isthmus.protocol.manifest.SigningKey;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.protocol.v1.ReportedState;
import io.isthmus.sim.model.VibrationAnomalyModel;
import io.isthmus.sim.profile.VibrationProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole agent as a child process ({@code java -cp ... AgentMain --config ...}) with model
 * sync and a durable outbox, feeds it sensor events through a broker in this process, and kills it
 * with SIGKILL at random moments, {@value #ROUNDS} times: while it downloads a package from a slow
 * HTTP server (about one second per package), installs and swaps it, and writes results and events
 * into its outbox. The desired version changes every second round.
 *
 * <p>After every kill: the model store verifies ({@link ModelStore#verifyAll}), the outbox opens,
 * and its unacknowledged records are noted. On odd rounds the agent is first left to reach the
 * desired version after its restart. In the end a last agent runs undisturbed: it serves the last
 * desired version, and every record any outbox inspection saw, and every record acknowledged before
 * one, was received; after de-duplication by idempotency key each exactly once, a key never naming
 * two different records.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class AgentKillIT {
  private static final int ROUNDS = 20;
  private static final String PLATFORM = "any";
  private static final int FILLER_BYTES = 1 << 20;
  private static final long SERVER_RATE = 1 << 20; // bytes per second: a package takes ~1 s

  @TempDir Path dir;
  private final String gateway = "gw-kill";
  private EmbeddedBroker broker;
  private PackageServer server;
  private MqttClient console;
  private SigningKey key;
  private final InferenceResultJson json = InferenceResultJson.defaults();

  /** Idempotency key -> what the record is (topic and result sequence or event), as received. */
  private final Map<String, String> received = new ConcurrentHashMap<>();

  private final AtomicInteger duplicates = new AtomicInteger();
  private final AtomicInteger conflicts = new AtomicInteger();
  private final AtomicReference<ReportedState> lastReport = new AtomicReference<>();

  /** Sequence -> what each record seen in the outbox between runs is. */
  private final Map<Long, String> stored = new ConcurrentHashMap<>();

  private volatile boolean feeding = true;

  @BeforeEach
  void setUp() throws Exception {
    broker = EmbeddedBroker.start("127.0.0.1", 0);
    key = SigningKey.generate();
    key.writeTo(dir.resolve("keys"));
    server = new PackageServer(Files.createDirectories(dir.resolve("packages")), 0);
    server.throttle(SERVER_RATE);
    console = new MqttClient(broker.uri(), "kill-test-console", new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMaxInflight(1000);
    console.connect(options);
    console.subscribe("isthmus/v1/results/vib/#", 1, (t, m) -> receive(t, m.getPayload()));
    console.subscribe(
        "isthmus/v1/gateways/" + gateway + "/events", 1, (t, m) -> receive(t, m.getPayload()));
    console.subscribe(
        "isthmus/v1/gateways/" + gateway + "/reported",
        1,
        (t, m) -> lastReport.set(ReportedState.parseFrom(m.getPayload())));
  }

  @AfterEach
  void tearDown() throws Exception {
    feeding = false;
    if (console.isConnected()) {
      console.disconnect();
    }
    console.close();
    server.close();
    broker.close();
  }

  @Test
  void killedAtRandomWhileSyncingAndWritingItStaysConsistentAndLosesNoAcknowledgedRecord()
      throws Exception {
    Path model = dir.resolve("v.onnx");
    VibrationAnomalyModel.fit(VibrationProfile.defaults(), 300, 7).write(model);
    Files.writeString(dir.resolve("agent.yaml"), config(model));
    Thread feeder = new Thread(this::feed, "kill-test-feeder");
    feeder.setDaemon(true);
    feeder.start();
    Random random = new Random(20261124);
    int completed = 0;
    int midDownload = 0;

    for (int round = 0; round < ROUNDS; round++) {
      String version = desire(round / 2 + 2);
      try (Child child = Child.start(dir, round)) {
        if (round % 2 == 1) {
          // the restarted agent reaches the desired version, then is killed while writing results
          awaitActive(version, child.startedUs);
          completed++;
          Thread.sleep(random.nextInt(300));
        } else {
          // killed somewhere in download, verification, install, swap or result writing
          Thread.sleep(random.nextInt(2000));
        }
        child.kill();
      }
      if (holdsFiles(dir.resolve("sync/staging"))) {
        midDownload++; // killed with a package half fetched: the next agent resumes it
      }
      assertThat(ModelStore.open(dir.resolve("sync/store")).verifyAll())
          .as("corrupt store files after kill %d", round)
          .isEmpty();
      noteOutbox();
    }

    // a last agent, undisturbed: it ends on the last desired version and delivers what is left
    String last = desire((ROUNDS - 1) / 2 + 2);
    try (Child child = Child.start(dir, ROUNDS)) {
      awaitActive(last, child.startedUs);
      feeding = false;
      feeder.join();
      awaitDelivered();
      child.stop();
    }
    // records the last agent appended after the wait (the broker still held events for it) and had
    // not
    // delivered when it stopped are kept in its outbox, not lost: one more start delivers them, and
    // no new
    // records arrive now that the feeder has stopped
    noteOutbox();
    if (!missing().isEmpty()) {
      try (Child child = Child.start(dir, ROUNDS + 1)) {
        awaitDelivered();
        child.stop();
      }
    }

    assertThat(completed).isEqualTo(ROUNDS / 2);
    // how many depends on how fast the agent ran before each kill; none would mean nothing was
    // tested
    assertThat(stored).as("records seen in the outbox between runs").isNotEmpty();
    assertThat(missing()).as("stored records never received").isEmpty();
    assertThat(conflicts.get()).as("keys naming two different records").isZero();
    System.out.printf(
        "%d kills (%d with a download in progress): %d records seen stored, %d received after"
            + " de-duplication, %d duplicates dropped%n",
        ROUNDS, midDownload, stored.size(), received.size(), duplicates.get());
  }

  private static boolean holdsFiles(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    try (var files = Files.walk(folder)) {
      return files.anyMatch(Files::isRegularFile);
    }
  }

  private void awaitDelivered() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!missing().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  /** Stored records (by key) that were not received, with what they are. */
  private Map<String, String> missing() {
    Map<String, String> missing = new java.util.TreeMap<>();
    stored.forEach(
        (sequence, what) -> {
          String key = gateway + ":" + sequence;
          if (!what.equals(received.get(key))) {
            missing.put(key, what);
          }
        });
    return missing;
  }

  /** Opens the outbox of the dead agent and notes every unacknowledged record. */
  private void noteOutbox() throws IOException {
    try (Outbox outbox =
        Outbox.open(OutboxOptions.builder(dir.resolve("outbox"), gateway).build())) {
      outbox.replay(
          r -> {
            try {
              OutboxMessage message = OutboxMessage.decode(r.payload());
              String what = describe(message.topic(), message.payload());
              String before = stored.putIfAbsent(r.sequence(), what);
              assertThat(before == null || before.equals(what))
                  .as("sequence %d stored as %s and later as %s", r.sequence(), before, what)
                  .isTrue();
            } catch (Exception e) {
              throw new AssertionError("outbox record " + r.sequence() + " does not decode", e);
            }
          });
    }
  }

  private void receive(String topic, byte[] payload) throws Exception {
    String key;
    if (topic.endsWith("/events")) {
      key = GatewayEvent.parseFrom(payload).getIdempotencyKey();
    } else {
      key = json.decode(payload).getIdempotencyKey();
    }
    String what = describe(topic, payload);
    String before = received.putIfAbsent(key, what);
    if (before != null) {
      duplicates.incrementAndGet();
      if (!before.equals(what)) {
        conflicts.incrementAndGet();
      }
    }
  }

  /** What a record is, independent of its key: the topic and the event or result it carries. */
  private String describe(String topic, byte[] payload) throws Exception {
    if (topic.endsWith("/events")) {
      GatewayEvent e = GatewayEvent.parseFrom(payload);
      return topic + " " + e.getKind() + " " + e.getMessage() + " @" + e.getTimestampUs();
    }
    InferenceResult r = json.decode(payload);
    return topic + " seq " + r.getSequence() + " v" + r.getModelVersion();
  }

  private void awaitActive(String version, long startedUs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      ReportedState report = lastReport.get();
      if (report != null
          && report.getStartedAtUs() >= startedUs
          && report.getPipelinesMap().containsKey("vib")
          && report.getPipelinesOrThrow("vib").getActiveVersion().equals(version)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the agent did not reach version " + version + ": " + report);
      }
      Thread.sleep(20);
    }
  }

  /** Publishes sensor events at about 200 a second until the test ends. */
  private void feed() {
    long seq = 0;
    try (TestMqttClient publisher = new TestMqttClient(broker.uri(), "sensors/none")) {
      while (feeding) {
        publisher.publish("sensors/dev-1/accel", Payloads.series(seq++, 256));
        Thread.sleep(5);
      }
    } catch (Exception e) {
      if (feeding) {
        throw new IllegalStateException("feeding events failed", e);
      }
    }
  }

  /** Packs version {@code n} (a fresh filler file, so every version is a fresh download). */
  private String desire(int n) throws Exception {
    String version = String.valueOf(n);
    Path pkg = dir.resolve("packages/vib-" + n);
    if (!Files.exists(pkg)) {
      Path filler = dir.resolve("filler-" + n + ".bin");
      byte[] bytes = new byte[FILLER_BYTES];
      new Random(n).nextBytes(bytes);
      Files.write(filler, bytes);
      ModelPackage built =
          new PackageBuilder("vibration", version)
              .addFile(dir.resolve("v.onnx"), "model.onnx")
              .addFile(filler, "calibration.bin")
              .platform(PLATFORM)
              .pack(pkg);
      built.sign(key);
      String sha =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(Files.readAllBytes(pkg.resolve(ModelPackage.MANIFEST_FILE))));
      DesiredState desired =
          DesiredState.newBuilder()
              .setGatewayId(gateway)
              .setGeneration(n)
              .putPipelines(
                  "vib",
                  DesiredModel.newBuilder()
                      .setModelName("vibration")
                      .setModelVersion(version)
                      .setDownloadUrl(server.url("vib-" + n))
                      .setSha256(sha)
                      .build())
              .build();
      // replaced atomically: the agent must never read half a desired state
      Path tmp = dir.resolve("desired.pb.tmp");
      Files.write(tmp, desired.toByteArray());
      Files.move(
          tmp,
          dir.resolve("desired.pb"),
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return version;
  }

  private String config(Path model) {
    return "gateway: {id: "
        + gateway
        + "}\n"
        + "mqtt: {uri: '"
        + broker.uri()
        + "', version: '3.1.1', clientId: kill-agent}\n"
        + "broker: {embedded: {enabled: false}}\n"
        + "http: {host: 127.0.0.1, port: 0}\n"
        + "sync:\n"
        + "  dir: "
        + dir.resolve("sync")
        + "\n  trustedKeys: "
        + dir.resolve("keys/public.pem")
        + "\n  desiredFile: "
        + dir.resolve("desired.pb")
        + "\n  watchInterval: 100ms\n"
        + "  heartbeat: 500ms\n"
        + "  download: {attempts: 3, backoffInitial: 20ms, backoffMax: 100ms}\n"
        + "  rollback: {window: 300ms, minRuns: 5, maxErrorRate: 0.5}\n"
        + "outbox: {dir: "
        + dir.resolve("outbox")
        + ", fsync: always}\n"
        + "pipelines:\n"
        + "  - name: vib\n"
        + "    stream: accel\n"
        + "    pre: [{window: {size: 256}}]\n"
        + "    model: {path: "
        + model
        + ", name: vibration, version: '1'}\n"
        + "    post: {score: {threshold: 2.5}}\n";
  }

  /** The agent as a child JVM, its log in {@code agent-N.log}. */
  private static final class Child implements AutoCloseable {
    private final Process process;
    final long startedUs;

    private Child(Process process, long startedUs) {
      this.process = process;
      this.startedUs = startedUs;
    }

    static Child start(Path dir, int round) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String classpath =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      long startedUs = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
      Process process =
          new ProcessBuilder(
                  java,
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-Xshare:auto",
                  "-Xmx256m",
                  "-cp",
                  classpath,
                  AgentMain.class.getName(),
                  "--config",
                  dir.resolve("agent.yaml").toString())
              .redirectError(dir.resolve("agent-" + round + ".log").toFile())
              .start();
      CountDownLatch ready = new CountDownLatch(1);
      List<String> lines = new ArrayList<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (lines) {
                      lines.add(line);
                    }
                    if (line.startsWith("isthmus agent ready")) {
                      ready.countDown();
                    }
                  }
                } catch (IOException e) {
                  // the process died: its output ends here
                }
              });
      reader.setDaemon(true);
      reader.start();
      if (!ready.await(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            "agent " + round + " did not start; see " + dir.resolve("agent-" + round + ".log"));
      }
      return new Child(process, startedUs);
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    void kill() throws InterruptedException {
      process.toHandle().destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** SIGTERM: the agent stops gracefully. */
    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        kill();
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        kill();
      }
    }
  }
}
