package io.isthmus.benchmarks.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.isthmus.benchmarks.BenchmarkModels;
import io.isthmus.inference.Engines;
import io.isthmus.inference.InferenceEngine;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One inference through Isthmus' API against the same call made on ONNX Runtime's Java API
 * directly: input tensor creation from a float[], the run, and a heap copy of every output. Both
 * sessions have the same options (1 intra-op thread, 1 inter-op thread, full graph optimisation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OnnxCallOverhead {

  /** A model file of tools/models.tsv with one float input. */
  @Param({"pp-ocr-cls.onnx", "blazeface-front-128.onnx", "oww-hey-jarvis.onnx"})
  public String model;

  /** The input shape each model runs with; PP-OCR's open dimensions are fixed to its real size. */
  private static final Map<String, long[]> SHAPES =
      Map.of(
          "pp-ocr-cls.onnx", new long[] {1, 3, 48, 192},
          "blazeface-front-128.onnx", new long[] {1, 128, 128, 3},
          "oww-hey-jarvis.onnx", new long[] {1, 16, 96});

  private OrtEnvironment env;
  private OrtSession rawSession;
  private InferenceEngine engine;
  private LoadedModel isthmusModel;
  private String inputName;
  private long[] shape;
  private float[] input;

  @Setup(Level.Trial)
  public void setUp() throws OrtException, InferenceException {
    var path = BenchmarkModels.require(model);
    ModelOptions options = ModelOptions.builder().intraOpThreads(1).interOpThreads(1).build();
    engine = Engines.onnxRuntime();
    isthmusModel = engine.load(path, options);
    env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(1);
      so.setInterOpNumThreads(1);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      rawSession = env.createSession(path.toString(), so);
    }
    var spec = isthmusModel.signature().inputs().get(0);
    inputName = spec.name();
    shape = SHAPES.get(model);
    if (shape == null || !spec.acceptsShape(shape)) {
      throw new IllegalStateException("No input shape for " + model + " matching " + spec);
    }
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    input = new float[(int) count];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextDouble(-1, 1);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    isthmusModel.close();
    engine.close();
    rawSession.close();
  }

  @Benchmark
  public void raw(Blackhole sink) throws OrtException {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
        OrtSession.Result result = rawSession.run(Map.of(inputName, tensor))) {
      for (Map.Entry<String, OnnxValue> output : result) {
        sink.consume(((OnnxTensor) output.getValue()).getFloatBuffer());
      }
    }
  }

  @Benchmark
  public void isthmus(Blackhole sink) throws InferenceException {
    Outputs outputs = isthmusModel.run(Map.of(inputName, Tensor.ofFloats(shape, input)));
    for (Tensor output : outputs.asMap().values()) {
      sink.consume(output.data());
    }
  }
}
