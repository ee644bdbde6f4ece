package io.isthmus.benchmarks.inference;

import io.isthmus.benchmarks.BenchmarkModels;
import io.isthmus.inference.Engines;
import io.isthmus.inference.InferenceEngine;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.HashMap;
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
import org.tensorflow.lite.Interpreter;

/**
 * One inference through Isthmus' API against the same call on TFLite's {@link Interpreter} directly
 * (XNNPACK on, 1 thread in both): input buffer from a float[], the run, and a heap copy of every
 * output.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TfLiteCallOverhead {

  /** A TFLite model file of tools/models.tsv with one float input. */
  @Param({"blazeface-short-range.tflite", "oww-embedding.tflite"})
  public String model;

  private ByteBuffer modelBytes;
  private Interpreter raw;
  private InferenceEngine engine;
  private LoadedModel isthmusModel;
  private String inputName;
  private long[] shape;
  private float[] input;
  private byte[][] rawOutputs;

  @Setup(Level.Trial)
  public void setUp() throws IOException, InferenceException {
    var path = BenchmarkModels.require(model);
    engine = Engines.tflite();
    // Loading through Isthmus first also loads TFLite's native library for the raw interpreter.
    isthmusModel = engine.load(path, ModelOptions.builder().intraOpThreads(1).build());
    byte[] bytes = Files.readAllBytes(path);
    modelBytes = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
    modelBytes.put(bytes).flip();
    raw =
        new Interpreter(modelBytes, new Interpreter.Options().setUseXNNPACK(true).setNumThreads(1));
    var spec = isthmusModel.signature().inputs().get(0);
    inputName = spec.name();
    shape = spec.shape().clone();
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = Math.max(shape[i], 1);
      count *= shape[i];
    }
    input = new float[(int) count];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextDouble(-1, 1);
    }
    rawOutputs = new byte[raw.getOutputTensorCount()][];
    for (int i = 0; i < rawOutputs.length; i++) {
      rawOutputs[i] = new byte[raw.getOutputTensor(i).numBytes()];
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    raw.close();
    isthmusModel.close();
    engine.close();
  }

  @Benchmark
  public void raw(Blackhole sink) {
    ByteBuffer in = ByteBuffer.allocateDirect(input.length * 4).order(ByteOrder.nativeOrder());
    in.asFloatBuffer().put(input);
    Map<Integer, Object> outputs = new HashMap<>();
    for (int i = 0; i < rawOutputs.length; i++) {
      outputs.put(i, ByteBuffer.wrap(rawOutputs[i]).order(ByteOrder.nativeOrder()));
    }
    raw.runForMultipleInputsOutputs(new Object[] {in}, outputs);
    for (byte[] output : rawOutputs) {
      sink.consume(output.clone());
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
