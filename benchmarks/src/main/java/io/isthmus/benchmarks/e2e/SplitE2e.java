package io.isthmus.benchmarks.e2e;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.benchmarks.partition.ShapedProxy;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.split.Splitter;
import io.isthmus.protocol.broker.EmbeddedBroker;
import io.isthmus.protocol.json.InferenceResultJson;
import io.isthmus.protocol.v1.InferenceResult;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * End-to-end latency of a face-detection pipeline through the real agent and the real cloud
 * function: all-edge, all-cloud, the split at a given cut, and the agent's adaptive choice between
 * them, for three emulated networks. Sensor events (128x128 PNG frames) go through an MQTT broker
 * in this process to the agent, a child JVM placed in a CPU-throttled cgroup (the gateway); the
 * agent offloads through a {@link ShapedProxy} (bandwidth and RTT) to {@code ./isthmus offload}, a
 * second child JVM outside the cgroup (the cloud). Latency is the time from publishing an event to
 * receiving its result; a closed loop keeps {@code IN_FLIGHT} events outstanding.
 *
 * <p>Usage: {@code SplitE2e MODEL CUT_TENSORS SECONDS IN_FLIGHT CGROUP_PROCS_OR_- OUT_DIR
 * AGENT_CLASSPATH}; writes {@code OUT_DIR/split-e2e.md}.
 */
public final class SplitE2e {
  private static final String CLOUD_INPUT = "isthmus_cloud_input";
  private static final String[][] NETWORKS = {
    {"2 Mbit/s, 100 ms", "2e6", "100"},
    {"20 Mbit/s, 40 ms", "20e6", "40"},
    {"200 Mbit/s, 5 ms", "200e6", "5"},
  };

  private final Path model;
  private final Path out;
  private final int seconds;
  private final int inFlight;
  private final String cgroupProcs;
  private final String agentClasspath;
  private final InferenceResultJson json = InferenceResultJson.defaults();
  private final byte[] frame;

  private SplitE2e(String[] args) throws IOException {
    model = Path.of(args[0]).toAbsolutePath();
    seconds = Integer.parseInt(args[2]);
    inFlight = Integer.parseInt(args[3]);
    cgroupProcs = args[4];
    out = Path.of(args[5]).toAbsolutePath();
    agentClasspath = args[6];
    frame = facePng(128);
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      System.err.println(
          "usage: SplitE2e MODEL CUT_TENSORS SECONDS IN_FLIGHT CGROUP_PROCS|- OUT_DIR AGENT_CP");
      System.exit(2);
    }
    new SplitE2e(args).run(List.of(args[1].split(",")));
  }

  /** One measured configuration. */
  private record Row(
      String network,
      String path,
      int events,
      double seconds,
      double p50,
      double p95,
      double p99,
      long offloaded,
      double cloudInferMs,
      double networkMs) {}

  private void run(List<String> cut) throws Exception {
    Files.createDirectories(out);
    Path halves = out.resolve("halves");
    ModelGraph graph = ModelGraph.load(model);
    Splitter.split(graph, new CutFinder(graph).cut(cut)).write(halves);
    writeAllCloudHalves(model, halves);
    int functionPort = freePort();
    Process function =
        new ProcessBuilder(
                "./isthmus",
                "offload",
                "--model",
                "tail=" + halves.resolve("tail.onnx"),
                "--model",
                "whole=" + halves.resolve("whole.onnx"),
                "--port",
                String.valueOf(functionPort))
            .redirectOutput(out.resolve("function.log").toFile())
            .redirectErrorStream(true)
            .start();
    List<Row> rows = new ArrayList<>();
    try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0)) {
      awaitReady(functionPort);
      rows.add(measure(broker, "any", "all-edge", null, halves));
      for (String[] network : NETWORKS) {
        try (ShapedProxy proxy =
            new ShapedProxy(
                functionPort, Double.parseDouble(network[1]), Double.parseDouble(network[2]))) {
          for (String path : List.of("all-cloud", "split", "adaptive")) {
            rows.add(measure(broker, network[0], path, proxy.port(), halves));
          }
        }
      }
    } finally {
      function.destroy();
      function.waitFor(30, TimeUnit.SECONDS);
    }
    write(rows);
  }

  private Row measure(
      EmbeddedBroker broker, String network, String path, Integer cloudPort, Path halves)
      throws Exception {
    Path config =
        out.resolve("agent-" + path + "-" + network.replaceAll("[^0-9a-z]+", "_") + ".yaml");
    Files.writeString(config, config(broker.uri(), path, cloudPort, halves));
    Process agent = startAgent(config);
    try (MqttClient client = new MqttClient(broker.uri(), "e2e-driver", new MemoryPersistence())) {
      MqttConnectOptions options = new MqttConnectOptions();
      options.setMaxInflight(1000);
      client.connect(options);
      Map<Long, Long> sentAt = new ConcurrentHashMap<>();
      List<double[]> done = java.util.Collections.synchronizedList(new ArrayList<>());
      Semaphore window = new Semaphore(inFlight);
      AtomicLong offloaded = new AtomicLong();
      AtomicLong measuring = new AtomicLong(Long.MAX_VALUE);
      client.subscribe(
          "isthmus/v1/results/faces/#",
          1,
          (t, m) -> {
            long now = System.nanoTime();
            InferenceResult r = json.decode(m.getPayload());
            Long start = sentAt.remove(r.getSequence());
            window.release();
            if (start == null || r.getSequence() < measuring.get()) {
              return; // warm-up
            }
            boolean cloud = r.getLatency().hasNetworkUs();
            if (cloud) {
              offloaded.incrementAndGet();
            }
            done.add(
                new double[] {
                  (now - start) / 1e6,
                  cloud ? r.getLatency().getCloudInferUs() / 1e3 : Double.NaN,
                  cloud ? r.getLatency().getNetworkUs() / 1e3 : Double.NaN
                });
          });
      awaitAgentReady(agent);
      long seq = 0;
      // warm-up: 20 events, or 10 s
      long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      for (; seq < 20 && System.nanoTime() < warmEnd; seq++) {
        send(client, window, sentAt, seq);
      }
      window.acquire(inFlight); // the warm-up drained
      window.release(inFlight);
      measuring.set(seq);
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        send(client, window, sentAt, seq++);
      }
      if (!window.tryAcquire(inFlight, 60, TimeUnit.SECONDS)) {
        System.err.println(path + " " + network + ": results missing at the end");
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      client.disconnect();
      Row row = row(network, path, done, elapsed, offloaded.get());
      System.out.println(format(row));
      return row;
    } finally {
      agent.destroy();
      if (!agent.waitFor(30, TimeUnit.SECONDS)) {
        agent.destroyForcibly();
      }
    }
  }

  private void send(MqttClient client, Semaphore window, Map<Long, Long> sentAt, long seq)
      throws Exception {
    window.acquire();
    String payload =
        "{\"ts\": "
            + System.currentTimeMillis()
            + ", \"seq\": "
            + seq
            + ", \"mediaType\": \"image/png\", \"data\": \""
            + Base64.getEncoder().encodeToString(frame)
            + "\"}";
    sentAt.put(seq, System.nanoTime());
    client.publish(
        "sensors/cam-1/camera0", new MqttMessage(payload.getBytes(StandardCharsets.UTF_8)));
  }

  private static Row row(
      String network, String path, List<double[]> done, double elapsed, long offloaded) {
    double[] ms;
    double cloud = 0;
    double net = 0;
    synchronized (done) {
      ms = done.stream().mapToDouble(d -> d[0]).sorted().toArray();
      cloud =
          done.stream().mapToDouble(d -> d[1]).filter(d -> !Double.isNaN(d)).average().orElse(0);
      net = done.stream().mapToDouble(d -> d[2]).filter(d -> !Double.isNaN(d)).average().orElse(0);
    }
    return new Row(
        network,
        path,
        ms.length,
        elapsed,
        pct(ms, 0.50),
        pct(ms, 0.95),
        pct(ms, 0.99),
        offloaded,
        cloud,
        net);
  }

  private static double pct(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.max(0, (int) Math.ceil(sorted.length * q) - 1)];
  }

  private static String format(Row r) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %.1f | %.1f | %.1f | %.1f/s | %d%% | %.1f | %.1f | %d |",
        r.network(),
        r.path(),
        r.p50(),
        r.p95(),
        r.p99(),
        r.events() / r.seconds(),
        r.events() == 0 ? 0 : Math.round(100.0 * r.offloaded() / r.events()),
        r.networkMs(),
        r.cloudInferMs(),
        r.events());
  }

  private void write(List<Row> rows) throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("split-e2e.md")))) {
      w.println(
          "| network | path | p50 ms | p95 ms | p99 ms | throughput | offloaded | mean round trip ms"
              + " | mean cloud infer ms | events |");
      w.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (Row r : rows) {
        w.println(format(r));
      }
    }
  }

  private String config(String brokerUri, String path, Integer cloudPort, Path halves) {
    String split = "";
    if (!path.equals("all-edge")) {
      String allCloud = "{head: " + halves.resolve("identity.onnx") + ", model: whole}";
      String cut = "{head: " + halves.resolve("head.onnx") + ", model: tail}";
      String candidates =
          switch (path) {
            case "all-cloud" -> "[" + allCloud + "]";
            case "split" -> "[" + cut + "]";
            default -> "[" + cut + ", " + allCloud + "]";
          };
      split =
          "      split:\n"
              + "        remote: {url: 'http://127.0.0.1:"
              + cloudPort
              + "', deadline: 10s}\n"
              + "        policy: "
              + (path.equals("adaptive") ? "adaptive" : "always")
              + "\n        candidates: "
              + candidates
              + "\n        probeInterval: 1s\n";
    }
    return "gateway: {id: e2e}\n"
        + "mqtt: {uri: '"
        + brokerUri
        + "', version: '3.1.1', qos: 1}\n"
        + "broker: {embedded: {enabled: false}}\n"
        + "http: {host: 127.0.0.1, port: 0}\n"
        + "pipelines:\n"
        + "  - name: faces\n"
        + "    stream: camera0\n"
        + "    pre: [{image: {width: 128, height: 128, layout: NHWC, range: '-1..1'}}]\n"
        + "    model:\n"
        + "      path: "
        + model
        + "\n      name: blazeface-front-128\n"
        + "      threads: 1\n"
        + split
        + "    post:\n"
        + "      detections: {inputSize: 128, strides: [8, 16, 16, 16], anchorsPerLayer: 2,"
        + " scores: [0, 1], boxes: [2, 3], scoreThreshold: 0.75, iou: 0.3, maxDetections: 10}\n"
        + "    queue: {capacity: 256, overload: reject}\n"
        + "    batch: {max: 1}\n"
        + "    workers: "
        + inFlight
        + "\n    result: {qos: 1}\n";
  }

  private Process startAgent(Path config) throws IOException {
    List<String> command = new ArrayList<>();
    if (!cgroupProcs.equals("-")) {
      // the gateway: the agent JVM joins the throttled cgroup before it starts
      command.addAll(
          List.of("bash", "-c", "echo $$ > " + cgroupProcs + "; exec \"$@\"", "gateway"));
    }
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC",
            "-cp",
            agentClasspath,
            "io.isthmus.agent.AgentMain",
            "--config",
            config.toString()));
    return new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.PIPE)
        .redirectError(out.resolve(config.getFileName() + ".log").toFile())
        .start();
  }

  private static void awaitAgentReady(Process agent) throws IOException {
    var in =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith("isthmus agent ready")) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (in.readLine() != null) {
                      // keep the pipe from filling
                    }
                  } catch (IOException e) {
                    // the agent stopped
                  }
                });
        drain.setDaemon(true);
        drain.start();
        return;
      }
    }
    throw new IOException("the agent exited before it was ready");
  }

  private static void awaitReady(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/health/ready"))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IOException("the function did not become ready on port " + port);
  }

  /**
   * The all-cloud path as a cut the agent can take: {@code identity.onnx} passes the model's input
   * on under a new name, and {@code whole.onnx} is the whole model reading that name.
   */
  static void writeAllCloudHalves(Path model, Path dir) throws IOException {
    ModelProto whole = ModelProto.parseFrom(Files.readAllBytes(model));
    GraphProto graph = whole.getGraph();
    java.util.Set<String> initializers = new java.util.HashSet<>();
    graph.getInitializerList().forEach(i -> initializers.add(i.getName()));
    ValueInfoProto input =
        graph.getInputList().stream()
            .filter(i -> !initializers.contains(i.getName()))
            .findFirst()
            .orElseThrow();
    String name = input.getName();
    GraphProto.Builder renamed = graph.toBuilder();
    for (int i = 0; i < renamed.getInputCount(); i++) {
      if (renamed.getInput(i).getName().equals(name)) {
        renamed.setInput(i, renamed.getInput(i).toBuilder().setName(CLOUD_INPUT));
      }
    }
    for (NodeProto.Builder node : renamed.getNodeBuilderList()) {
      for (int i = 0; i < node.getInputCount(); i++) {
        if (node.getInput(i).equals(name)) {
          node.setInput(i, CLOUD_INPUT);
        }
      }
    }
    Files.write(
        dir.resolve("whole.onnx"), whole.toBuilder().setGraph(renamed).build().toByteArray());
    GraphProto identity =
        GraphProto.newBuilder()
            .setName("identity")
            .addInput(input)
            .addOutput(input.toBuilder().setName(CLOUD_INPUT))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Identity")
                    .setName("pass")
                    .addInput(name)
                    .addOutput(CLOUD_INPUT))
            .build();
    Files.write(
        dir.resolve("identity.onnx"),
        ModelProto.newBuilder()
            .setIrVersion(whole.getIrVersion())
            .addAllOpsetImport(whole.getOpsetImportList())
            .setGraph(identity)
            .build()
            .toByteArray());
  }

  private static byte[] facePng(int size) throws IOException {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.GRAY);
    g.fillRect(0, 0, size, size);
    g.setColor(new Color(224, 172, 140));
    g.fillOval(size / 4, size / 6, size / 2, size * 2 / 3);
    g.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return bytes.toByteArray();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
