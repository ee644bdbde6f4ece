package io.isthmus.partitioner.profile;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.partitioner.graph.NodeIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures a model's per-node latency on this machine with ONNX Runtime's profiler (CPU).
 *
 * <p>The model's nodes are first renamed to their {@link NodeIds} in memory, so every kernel event
 * names the node it ran. The model runs {@code warmupRuns} times, then {@code runs} times; a node's
 * time is the median over the measured runs of its kernel time. At {@code basic} optimisation the
 * runtime folds some nodes into constants and fuses others into a neighbour (a BatchNormalization
 * into its Conv): those nodes get 0 ms and {@code measured=false}, their cost being in the
 * neighbour's time. Every node's output sizes come from one more run with optimisation off, where
 * each node runs as its own kernel.
 */
public final class Profiler {
  private static final Logger LOG = LoggerFactory.getLogger(Profiler.class);
  private static final java.util.regex.Pattern LAYOUT_TOKEN =
      java.util.regex.Pattern.compile("(.+)_token_\\d+");
  private static final String NCHWC = "_nchwc";

  /**
   * How to profile.
   *
   * @param runs measured runs, at least 1
   * @param warmupRuns runs before them, not counted
   * @param threads ONNX Runtime intra-op threads, at least 1
   * @param optimization {@code basic} (the default, as the split halves run) or {@code none}
   * @param inputShapes shapes for inputs with open dimensions, by input name; open dimensions of
   *     inputs not named here are 1
   * @param inputValues a value to fill an input with, by input name (a sample rate, say); other
   *     float inputs are uniform in [0, 1), other integer inputs 1
   */
  public record Settings(
      int runs,
      int warmupRuns,
      int threads,
      String optimization,
      Map<String, long[]> inputShapes,
      Map<String, Double> inputValues) {
    public static final int DEFAULT_RUNS = 50;
    public static final int DEFAULT_WARMUP_RUNS = 5;

    public Settings {
      if (runs < 1) {
        throw new IllegalArgumentException("runs must be >= 1, got " + runs);
      }
      if (warmupRuns < 0) {
        throw new IllegalArgumentException("warm-up runs must be >= 0, got " + warmupRuns);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      if (!List.of("basic", "extended", "all", "none").contains(optimization)) {
        throw new IllegalArgumentException(
            "Graph optimisation must be basic, extended, all or none, got " + optimization);
      }
      inputShapes = Map.copyOf(inputShapes);
      inputValues = Map.copyOf(inputValues);
    }

    /** Settings with random inputs. */
    public Settings(
        int runs,
        int warmupRuns,
        int threads,
        String optimization,
        Map<String, long[]> inputShapes) {
      this(runs, warmupRuns, threads, optimization, inputShapes, Map.of());
    }

    /** 50 measured runs after 5 warm-up runs, one thread, basic optimisation. */
    public static Settings defaults() {
      return new Settings(DEFAULT_RUNS, DEFAULT_WARMUP_RUNS, 1, "basic", Map.of());
    }
  }

  private final Settings settings;

  public Profiler(Settings settings) {
    this.settings = settings;
  }

  /**
   * Profiles the model at {@code modelFile} and names the result {@code device}.
   *
   * @throws IOException if the model cannot be read
   * @throws IllegalArgumentException if the file is no ONNX model, an input shape does not fit the
   *     model, or an input's element type cannot be generated
   * @throws OrtException if ONNX Runtime cannot load or run the model
   */
  public Profile profile(Path modelFile, String device) throws IOException, OrtException {
    ModelProto model = parse(modelFile);
    GraphProto graph = model.getGraph();
    List<String> ids = NodeIds.of(graph);
    GraphProto.Builder named = graph.toBuilder();
    for (int i = 0; i < ids.size(); i++) {
      named.getNodeBuilder(i).setName(ids.get(i));
    }
    byte[] renamed = model.toBuilder().setGraph(named).build().toByteArray();

    ProfileInputs inputs = new ProfileInputs(settings.inputShapes(), settings.inputValues());
    Map<String, Long> inputBytes = inputs.bytes(graph);
    OrtTrace timed =
        trace(
            renamed,
            inputs,
            optLevel(settings.optimization()),
            settings.warmupRuns(),
            settings.runs());
    OrtTrace shapes =
        "none".equals(settings.optimization())
            ? timed
            : trace(renamed, inputs, OptLevel.NO_OPT, 0, 1);

    Map<String, Double> ms = new HashMap<>();
    double unattributed = 0;
    List<String> unattributedNames = new ArrayList<>();
    Set<String> known = new HashSet<>(ids);
    Map<String, String> producers = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      for (String output : graph.getNode(i).getOutputList()) {
        producers.put(output, ids.get(i));
      }
    }
    List<String> controlFlow = controlFlowIds(graph, ids);
    for (Map.Entry<String, OrtTrace.Kernel> kernel : timed.kernels().entrySet()) {
      String owner = owner(kernel.getKey(), known, producers);
      if (owner == null && insideControlFlow(kernel.getKey(), controlFlow)) {
        continue; // a subgraph's kernel: the control-flow node's own kernel time includes it
      }
      if (owner == null) {
        unattributed += kernel.getValue().medianMs();
        unattributedNames.add(kernel.getKey());
      } else {
        ms.merge(owner, kernel.getValue().medianMs(), Double::sum);
      }
    }
    if ("all".equals(settings.optimization()) && unattributed > 0) {
      // At `all` the layout transformers add conversions (ReorderInput/Output, Transpose) that
      // belong to no node; they are part of the run, so they are spread over the nodes in
      // proportion to their times and the nodes add up to the whole run.
      double attributed = ms.values().stream().mapToDouble(Double::doubleValue).sum();
      if (attributed > 0) {
        double scale = (attributed + unattributed) / attributed;
        ms.replaceAll((id, v) -> v * scale);
      }
    }
    Map<String, NodeProfile> nodes = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      Double kernelMs = ms.get(id);
      OrtTrace.Kernel sized = shapes.kernels().get(id);
      long bytes;
      List<Long> each;
      if (sized != null) {
        bytes = sized.outputBytes();
        each = sized.outputTensorBytes();
      } else if (TensorSizes.isConstant(graph.getNode(i))) {
        // ONNX Runtime turns Constant nodes into initializers when it loads the model.
        bytes = TensorSizes.constantBytes(graph.getNode(i));
        each = List.of(bytes);
      } else {
        bytes = 0;
        each = List.of();
      }
      nodes.put(
          id,
          new NodeProfile(
              graph.getNode(i).getOpType(),
              kernelMs == null ? 0 : kernelMs,
              bytes,
              each,
              kernelMs != null));
    }
    long unmeasured = nodes.values().stream().filter(n -> !n.measured()).count();
    if (!unattributedNames.isEmpty()) {
      LOG.info(
          "{} kernels name no node of the model (nodes the runtime created while optimising),"
              + " e.g. {}",
          unattributedNames.size(),
          unattributedNames.subList(0, Math.min(5, unattributedNames.size())));
    }
    LOG.info(
        "model={} device={} nodes={} unmeasured={} unattributedMs={}",
        modelFile.getFileName(),
        device,
        nodes.size(),
        unmeasured,
        unattributed);
    return new Profile(
        device,
        modelFile.getFileName().toString(),
        Profiles.sha256(modelFile),
        timed.runs(),
        settings.warmupRuns(),
        settings.threads(),
        settings.optimization(),
        "median",
        null,
        null,
        nodes,
        inputBytes,
        unattributed,
        Profile.sumMs(nodes));
  }

  /**
   * The node a kernel ran for: the node of that id; for a kernel that fusion created, named {@code
   * <first node>/<fusion>} (e.g. {@code conv1/MatMulAddFusion}), the longest node id before a
   * slash; at {@code all}, for a node the layout transformers rewrote, the node named before {@code
   * _token_<n>} (NHWC, e.g. an int8 QLinearConv) or the producer of the tensor named before {@code
   * _nchwc} (NCHWc, a float Conv); null if none.
   */
  private static String owner(String kernel, Set<String> known, Map<String, String> producers) {
    if (known.contains(kernel)) {
      return kernel;
    }
    for (int slash = kernel.lastIndexOf('/');
        slash > 0;
        slash = kernel.lastIndexOf('/', slash - 1)) {
      if (known.contains(kernel.substring(0, slash))) {
        return kernel.substring(0, slash);
      }
    }
    java.util.regex.Matcher token = LAYOUT_TOKEN.matcher(kernel);
    if (token.matches() && known.contains(token.group(1))) {
      return token.group(1);
    }
    if (kernel.endsWith(NCHWC)) {
      return producers.get(kernel.substring(0, kernel.length() - NCHWC.length()));
    }
    return null;
  }

  /** The ids of control-flow nodes: those with a subgraph attribute (If, Loop, Scan). */
  private static List<String> controlFlowIds(GraphProto graph, List<String> ids) {
    List<String> controlFlow = new ArrayList<>();
    for (int i = 0; i < graph.getNodeCount(); i++) {
      if (graph.getNode(i).getAttributeList().stream()
          .anyMatch(a -> a.hasG() || a.getGraphsCount() > 0)) {
        controlFlow.add(ids.get(i));
      }
    }
    return controlFlow;
  }

  /**
   * Whether a kernel ran inside a control-flow node's subgraph, which ONNX Runtime names after the
   * node, e.g. {@code If_0_else_branch__Inline_0__/decoder/rnn/LSTM}.
   */
  private static boolean insideControlFlow(String kernel, List<String> controlFlow) {
    return controlFlow.stream().anyMatch(id -> kernel.startsWith(id + "_"));
  }

  private static ModelProto parse(Path file) throws IOException {
    try {
      ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
      if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
        throw new IllegalArgumentException(file + " is no ONNX model: it has no graph nodes");
      }
      return model;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          file + " is no ONNX model (protobuf parsing failed: " + e.getMessage() + ")", e);
    }
  }

  private OrtTrace trace(
      byte[] model, ProfileInputs generated, OptLevel level, int warmups, int runs)
      throws IOException, OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Path dir = Files.createTempDirectory("isthmus-profile");
    try {
      String file;
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        options.setOptimizationLevel(level);
        options.setIntraOpNumThreads(settings.threads());
        options.setInterOpNumThreads(1);
        options.enableProfiling(dir.resolve("ort").toString());
        try (OrtSession session = env.createSession(model, options)) {
          Map<String, OnnxTensor> inputs = generated.create(env, session.getInputInfo());
          try {
            for (int i = 0; i < warmups + runs; i++) {
              session.run(inputs).close();
            }
          } finally {
            inputs.values().forEach(OnnxTensor::close);
          }
          file = session.endProfiling();
        }
      }
      return OrtTrace.parse(Files.readAllBytes(Path.of(file)), warmups);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static OptLevel optLevel(String optimization) {
    return switch (optimization) {
      case "none" -> OptLevel.NO_OPT;
      case "extended" -> OptLevel.EXTENDED_OPT;
      case "all" -> OptLevel.ALL_OPT;
      default -> OptLevel.BASIC_OPT;
    };
  }
}
