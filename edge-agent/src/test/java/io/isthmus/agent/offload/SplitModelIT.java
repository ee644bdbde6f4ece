package io.isthmus.agent.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.isthmus.agent.config.SplitSettings;
import io.isthmus.agent.config.SplitSettings.BreakerSettings;
import io.isthmus.agent.config.SplitSettings.Candidate;
import io.isthmus.agent.config.SplitSettings.Policy;
import io.isthmus.inference.Engines;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.testing.TestModels;
import io.isthmus.offload.OffloadFunction;
import io.isthmus.offload.core.OffloadOptions;
import io.isthmus.offload.model.ModelSource;
import io.isthmus.partitioner.graph.CutFinder;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.graph.OnnxModelFile;
import io.isthmus.partitioner.quantize.CalibrationInputs;
import io.isthmus.partitioner.quantize.QuantizeOptions;
import io.isthmus.partitioner.quantize.QuantizedHead;
import io.isthmus.partitioner.quantize.Quantizer;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.split.Splitter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link SplitModel} against real HTTP servers: the cloud function serving the tail, and a Vert.x
 * server that answers 429, 503 or nothing, to check each fallback and the breaker.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SplitModelIT {
  @TempDir static Path dir;
  static TinySplitModel models;
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeAll
  static void writeModels() throws Exception {
    models = TinySplitModel.write(dir);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  @Test
  void theTailInTheCloudFunctionGivesTheFullModelsOutputs() throws Exception {
    // GIVEN the cloud function serving the tail
    OffloadFunction cloud = cloud("tail=" + models.tail());
    SplitModel split = split(cloud.port(), Duration.ofSeconds(5), 3);
    LoadedModel full = load(models.full());

    // WHEN ten inputs run the split path
    Random random = new Random(1);
    for (int i = 0; i < 10; i++) {
      Map<String, Tensor> input = input(random);
      SplitRun run = split.runSplit(input);

      // THEN each equals the full model run here
      float[] expected = full.run(input).get("y").toFloatArray();
      float[] actual = run.outputs().get("y").toFloatArray();
      assertThat(actual).hasSize(1);
      assertThat(Math.abs(actual[0] - expected[0])).isLessThanOrEqualTo(1e-5f);
      assertThat(run.networkUs()).isPresent();
      assertThat(run.traceId().orElseThrow()).matches("[0-9a-f]{32}");
    }
    assertThat(split.offloadedCount()).isEqualTo(10);
  }

  @Test
  void theAdaptivePolicyKeepsATinyModelOnTheGatewayAndStillProbesTheCloud() throws Exception {
    // GIVEN a model that runs in microseconds here, and the cloud function a localhost hop away
    OffloadFunction cloud = cloud("tail=" + models.tail());
    LoadedModel full = load(models.full());
    SplitModel split =
        split(
            cloud.port(),
            Duration.ofSeconds(5),
            3,
            new Candidate(models.head(), "tail", Optional.empty(), 0),
            load(models.full()),
            Policy.ADAPTIVE,
            Duration.ofMillis(100));

    // WHEN events arrive every 10 ms for a while
    Random random = new Random(6);
    for (int i = 0; i < 60; i++) {
      Map<String, Tensor> input = input(random);
      SplitRun run = split.runSplit(input);
      assertThat(run.outputs().get("y").toFloatArray()[0])
          .isCloseTo(full.run(input).get("y").toFloatArray()[0], within(1e-5f));
      Thread.sleep(10);
    }

    // THEN most ran here, and the cloud was still tried every probe interval
    double edge = registry.get("isthmus.offload.events").tag("path", "edge").counter().count();
    assertThat(split.offloadedCount()).isPositive();
    assertThat(edge).isGreaterThan(split.offloadedCount());
    assertThat(edge + split.offloadedCount()).isEqualTo(60);
  }

  @Test
  void blazeFaceCutAcrossItsTwoBranchesGivesTheFullModelsOutputs() throws Exception {
    // GIVEN BlazeFace split where the residual branch and the main path cross together
    Path model = TestModels.require("blazeface-front-128");
    ModelGraph graph = ModelGraph.load(model);
    Path halves = dir.resolve("blazeface");
    Files.createDirectories(halves);
    Splitter.split(
            graph,
            new CutFinder(graph)
                .cut(
                    List.of(
                        "StatefulPartitionedCall/functional_1/re_lu_1/Relu:0",
                        "StatefulPartitionedCall/functional_1/max_pooling2d/MaxPool:0")))
        .write(halves);
    OffloadFunction cloud = cloud("bf-tail=" + halves.resolve("tail.onnx"));
    LoadedModel full = load(model);
    SplitModel split =
        split(
            cloud.port(),
            Duration.ofSeconds(10),
            3,
            new Candidate(halves.resolve("head.onnx"), "bf-tail", Optional.of("1"), 0),
            load(model));

    // WHEN a random image runs the split path
    Map<String, Tensor> inputs = randomImage(full, 5);
    SplitRun run = split.runSplit(inputs);

    // THEN every output equals the full model's, element by element
    assertThat(split.offloadedCount()).isEqualTo(1);
    assertOutputsClose(full.run(inputs), run.outputs(), 1e-5f, 0);
  }

  @Test
  void anInt8HeadOnTheGatewayAndAFloatTailInTheCloudGiveTheMixedModelsOutputs() throws Exception {
    // GIVEN BlazeFace quantized (static), split at the same cut with the head from the int8 model
    // and the tail float, as `partition split --plan ... --int8-model` does
    Path model = TestModels.require("blazeface-front-128");
    ModelProto floatModel = OnnxModelFile.read(model);
    ModelProto int8 =
        Quantizer.prepare(
                floatModel,
                QuantizeOptions.defaults().withMode(QuantizeOptions.Mode.STATIC),
                CalibrationInputs.synthetic(
                    CalibrationInputs.inputs(floatModel.getGraph()), InputShapes.NONE, 8, 0))
            .quantize();
    List<String> cut =
        List.of(
            "StatefulPartitionedCall/functional_1/re_lu_1/Relu:0",
            "StatefulPartitionedCall/functional_1/max_pooling2d/MaxPool:0");
    List<String> headNodes = new CutFinder(ModelGraph.load(model)).cut(cut).headNodes();
    QuantizedHead int8Head = QuantizedHead.of(floatModel, int8);
    ModelProto mixed = int8Head.mixed(headNodes);
    Path mixedFile = dir.resolve("blazeface-int8-head.onnx");
    Files.write(mixedFile, mixed.toByteArray());
    ModelGraph graph = ModelGraph.of(mixed, "int8 head");
    Path halves = dir.resolve("blazeface-int8");
    Files.createDirectories(halves);
    var split = Splitter.split(graph, new CutFinder(graph).cut(int8Head.cutTensors(cut)));
    split.write(halves);
    assertThat(split.head().getGraph().getNodeList())
        .anyMatch(n -> n.getOpType().equals("QuantizeLinear"));
    assertThat(split.tail().getGraph().getNodeList())
        .noneMatch(n -> n.getOpType().endsWith("QuantizeLinear"));
    OffloadFunction cloud = cloud("bf8-tail=" + halves.resolve("tail.onnx"));
    LoadedModel whole = load(mixedFile);
    SplitModel splitModel =
        split(
            cloud.port(),
            Duration.ofSeconds(10),
            3,
            new Candidate(halves.resolve("head.onnx"), "bf8-tail", Optional.empty(), 0),
            load(mixedFile));

    // WHEN a random image runs the split path
    Map<String, Tensor> inputs = randomImage(whole, 7);
    SplitRun run = splitModel.runSplit(inputs);

    // THEN the gateway ran the int8 head, the cloud the float tail, and the outputs are the
    // int8-head model's
    assertThat(splitModel.offloadedCount()).isEqualTo(1);
    assertOutputsClose(whole.run(inputs), run.outputs(), 1e-4f, 1e-4f);
  }

  /** A 128x128x3 image of uniform values in [-1, 1) for BlazeFace's input. */
  private static Map<String, Tensor> randomImage(LoadedModel model, long seed) {
    float[] image = new float[128 * 128 * 3];
    Random random = new Random(seed);
    for (int i = 0; i < image.length; i++) {
      image[i] = random.nextFloat() * 2 - 1;
    }
    return Map.of(
        model.signature().inputNames().get(0),
        Tensor.ofFloats(model.signature().inputs().get(0).shape(), image));
  }

  /** Every output element within {@code absolute + relative * |expected|}. */
  private static void assertOutputsClose(
      Outputs expected, Outputs actual, float absolute, float relative) {
    assertThat(actual.names()).isEqualTo(expected.names());
    for (String name : expected.names()) {
      float[] want = expected.get(name).toFloatArray();
      float[] got = actual.get(name).toFloatArray();
      assertThat(got).hasSameSizeAs(want);
      for (int i = 0; i < want.length; i++) {
        assertThat(Math.abs(got[i] - want[i]))
            .as("%s[%d]", name, i)
            .isLessThanOrEqualTo(absolute + relative * Math.abs(want[i]));
      }
    }
  }

  @Test
  void a429FallsBackToTheFullModelAndTheRequestCarriesTraceAndBinaryHeaders(Vertx vertx)
      throws Exception {
    List<HttpServerRequest> seen = new CopyOnWriteArrayList<>();
    int port =
        server(
            vertx,
            request -> {
              seen.add(request);
              request
                  .response()
                  .setStatusCode(429)
                  .putHeader("Retry-After", "1")
                  .end("{\"error\":\"busy\"}");
            });
    SplitModel split = split(port, Duration.ofSeconds(5), 3);
    LoadedModel full = load(models.full());

    Map<String, Tensor> input = input(new Random(2));
    SplitRun run = split.runSplit(input);

    assertThat(run.outputs().get("y").toFloatArray())
        .containsExactly(full.run(input).get("y").toFloatArray());
    assertThat(run.networkUs()).isEmpty();
    assertThat(split.fallbackCount(FallbackReason.THROTTLED)).isEqualTo(1);
    assertThat(split.offloadedCount()).isZero();
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).path()).isEqualTo("/v2/models/tail/infer");
    assertThat(seen.get(0).getHeader("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(Integer.parseInt(seen.get(0).getHeader("Inference-Header-Content-Length")))
        .isPositive();
  }

  @Test
  void serverErrorsOpenTheBreakerAndThenNoRequestIsSent(Vertx vertx) throws Exception {
    List<HttpServerRequest> seen = new CopyOnWriteArrayList<>();
    int port =
        server(
            vertx,
            request -> {
              seen.add(request);
              request.response().setStatusCode(503).end("{\"error\":\"draining\"}");
            });
    SplitModel split = split(port, Duration.ofSeconds(5), 2);

    for (int i = 0; i < 5; i++) {
      split.runSplit(input(new Random(i)));
    }

    assertThat(split.fallbackCount(FallbackReason.SERVER_ERROR)).isEqualTo(2);
    assertThat(split.fallbackCount(FallbackReason.CIRCUIT_OPEN)).isEqualTo(3);
    assertThat(seen).hasSize(2);
    assertThat(split.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void aServerThatDoesNotAnswerTimesOutAtTheDeadline(Vertx vertx) throws Exception {
    int port = server(vertx, request -> {}); // never answers
    SplitModel split = split(port, Duration.ofMillis(200), 3);
    LoadedModel full = load(models.full());

    Map<String, Tensor> input = input(new Random(3));
    SplitRun run = split.runSplit(input);

    assertThat(run.outputs().get("y").toFloatArray())
        .containsExactly(full.run(input).get("y").toFloatArray());
    assertThat(split.fallbackCount(FallbackReason.TIMEOUT)).isEqualTo(1);
  }

  @Test
  void aClosedPortIsAConnectionFallback() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    SplitModel split = split(port, Duration.ofSeconds(5), 3);

    split.runSplit(input(new Random(4)));

    assertThat(split.fallbackCount(FallbackReason.CONNECTION)).isEqualTo(1);
  }

  /** A server whose /infer requests go to {@code infer}; readiness probes get 200. */
  private static int server(Vertx vertx, Consumer<HttpServerRequest> infer) throws Exception {
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  if (request.path().endsWith("/infer")) {
                    request.body().onSuccess(body -> infer.accept(request));
                  } else {
                    request.response().end("{\"ready\":true}");
                  }
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private SplitModel split(int port, Duration deadline, int failures) throws Exception {
    return split(
        port,
        deadline,
        failures,
        new Candidate(models.head(), "tail", Optional.empty(), 0),
        load(models.full()));
  }

  private SplitModel split(
      int port, Duration deadline, int failures, Candidate cut, LoadedModel full) throws Exception {
    return split(port, deadline, failures, cut, full, Policy.ALWAYS, Duration.ofMinutes(5));
  }

  private SplitModel split(
      int port,
      Duration deadline,
      int failures,
      Candidate cut,
      LoadedModel full,
      Policy policy,
      Duration probeInterval)
      throws Exception {
    SplitSettings settings =
        new SplitSettings(
            URI.create("http://127.0.0.1:" + port),
            Optional.empty(),
            deadline,
            List.of(cut),
            policy,
            new BreakerSettings(failures, 1.0, 100, Duration.ofMinutes(5)),
            probeInterval);
    SplitModel split = SplitModel.open("p", settings, full, ModelOptions.defaults(), registry);
    open.add(split);
    return split;
  }

  /** The cloud function on a free local port serving {@code source} ({@code name=path}). */
  private OffloadFunction cloud(String source) throws Exception {
    OffloadFunction cloud =
        OffloadFunction.start(
                OffloadOptions.of(List.of(ModelSource.parse(source)), dir.resolve("cache")),
                Optional.empty(),
                "127.0.0.1",
                0)
            .get(30, TimeUnit.SECONDS);
    open.add(cloud);
    return cloud;
  }

  private LoadedModel load(Path file) throws Exception {
    LoadedModel model = Engines.onnxRuntime().load(file, ModelOptions.defaults());
    open.add(model);
    return model;
  }

  private static Map<String, Tensor> input(Random random) {
    float[] x = new float[TinySplitModel.WIDTH];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return Map.of("x", Tensor.ofFloats(new long[] {1, TinySplitModel.WIDTH}, x));
  }
}
