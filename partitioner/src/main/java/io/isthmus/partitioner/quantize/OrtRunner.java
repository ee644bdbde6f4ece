package io.isthmus.partitioner.quantize;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.runtime.TensorData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX Runtime session as a gateway runs it: all graph optimisations on (so QDQ pairs fuse into
 * integer kernels) and a fixed number of intra-op threads, for agreement and latency figures.
 */
final class OrtRunner implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final String name;

  private OrtRunner(OrtSession session, String name) {
    this.session = session;
    this.name = name;
  }

  /**
   * @throws PartitionException {@link Code#RUNTIME_FAILED} when ONNX Runtime rejects the model
   */
  static OrtRunner open(byte[] model, String name, int threads) throws PartitionException {
    try (SessionOptions options = new SessionOptions()) {
      options.setOptimizationLevel(OptLevel.ALL_OPT);
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      return new OrtRunner(OrtEnvironment.getEnvironment().createSession(model, options), name);
    } catch (OrtException e) {
      throw new PartitionException(
          Code.RUNTIME_FAILED, "ONNX Runtime cannot load " + name + ": " + e.getMessage(), e);
    }
  }

  /** The outputs of each input set, in order. */
  List<Map<String, TensorData>> runAll(List<Map<String, TensorData>> inputs)
      throws PartitionException {
    List<Map<String, TensorData>> outputs = new java.util.ArrayList<>();
    for (Map<String, TensorData> input : inputs) {
      outputs.add(run(input));
    }
    return outputs;
  }

  /** Every tensor output for one input set. */
  Map<String, TensorData> run(Map<String, TensorData> inputs) throws PartitionException {
    Map<String, OnnxTensor> feeds = feeds(inputs);
    try (OrtSession.Result result = session.run(feeds)) {
      Map<String, TensorData> outputs = new LinkedHashMap<>();
      for (Map.Entry<String, OnnxValue> output : result) {
        if (output.getValue() instanceof OnnxTensor tensor) {
          outputs.put(output.getKey(), TensorData.of(tensor));
        }
      }
      return outputs;
    } catch (OrtException e) {
      throw new PartitionException(
          Code.RUNTIME_FAILED, "ONNX Runtime failed to run " + name + ": " + e.getMessage(), e);
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  /**
   * The median wall time of one run of each runner in milliseconds, after {@code warmup} untimed
   * runs. The runners take turns run by run, so a machine that gets busier or quieter while they
   * are timed slows or speeds them alike.
   */
  static double[] medianMillis(
      List<OrtRunner> runners, Map<String, TensorData> inputs, int warmup, int runs)
      throws PartitionException {
    List<Map<String, OnnxTensor>> feeds = new ArrayList<>();
    try {
      for (OrtRunner r : runners) {
        feeds.add(r.feeds(inputs));
      }
      double[][] times = new double[runners.size()][runs];
      for (int i = -warmup; i < runs; i++) {
        for (int r = 0; r < runners.size(); r++) {
          long start = System.nanoTime();
          runners.get(r).session.run(feeds.get(r)).close();
          if (i >= 0) {
            times[r][i] = (System.nanoTime() - start) / 1e6;
          }
        }
      }
      double[] medians = new double[runners.size()];
      for (int r = 0; r < runners.size(); r++) {
        Arrays.sort(times[r]);
        medians[r] = times[r][runs / 2];
      }
      return medians;
    } catch (OrtException e) {
      throw new PartitionException(
          Code.RUNTIME_FAILED, "ONNX Runtime failed in a timed run: " + e.getMessage(), e);
    } finally {
      feeds.forEach(f -> f.values().forEach(OnnxTensor::close));
    }
  }

  private Map<String, OnnxTensor> feeds(Map<String, TensorData> inputs) throws PartitionException {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      for (String input : session.getInputNames()) {
        TensorData value = inputs.get(input);
        if (value == null) {
          throw new PartitionException(
              Code.BAD_INPUT, name + " needs input " + input + ", which was not given");
        }
        feeds.put(input, value.toOnnx(env));
      }
      return feeds;
    } catch (OrtException e) {
      feeds.values().forEach(OnnxTensor::close);
      throw new PartitionException(Code.RUNTIME_FAILED, "Cannot make inputs for " + name, e);
    }
  }

  @Override
  public void close() throws PartitionException {
    try {
      session.close();
    } catch (OrtException e) {
      throw new PartitionException(Code.RUNTIME_FAILED, "Cannot close " + name, e);
    }
  }
}
