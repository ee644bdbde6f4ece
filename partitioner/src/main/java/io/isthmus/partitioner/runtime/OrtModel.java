package io.isthmus.partitioner.runtime;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX Runtime session over model bytes, run on one thread with graph optimisation off, so the
 * full model and its split halves execute the same kernels in the same order and their outputs can
 * be compared bit for bit apart from where the split itself changes something.
 */
public final class OrtModel implements AutoCloseable {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final String name;

  private OrtModel(OrtSession session, String name) {
    this.session = session;
    this.name = name;
  }

  /**
   * Loads a model; {@code name} names it in messages.
   *
   * @throws PartitionException {@link Code#RUNTIME_FAILED} when ONNX Runtime rejects the model
   */
  public static OrtModel open(byte[] model, String name) throws PartitionException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (SessionOptions options = new SessionOptions()) {
      options.setOptimizationLevel(OptLevel.NO_OPT);
      options.setIntraOpNumThreads(1);
      // Unused initializers in the source model are worth no warning: the split drops them.
      options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      return new OrtModel(env.createSession(model, options), name);
    } catch (OrtException e) {
      throw new PartitionException(
          Code.RUNTIME_FAILED, "ONNX Runtime cannot load " + name + ": " + e.getMessage(), e);
    }
  }

  /** The names of the model's inputs, in order. */
  public List<String> inputNames() {
    return List.copyOf(session.getInputNames());
  }

  /** The names of the model's outputs, in order. */
  public List<String> outputNames() {
    return List.copyOf(session.getOutputNames());
  }

  /**
   * Runs the model on those of {@code values} it takes as inputs and returns every tensor output;
   * outputs that are no tensor (sequences, maps) are left out.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} when an input is missing, {@link
   *     Code#RUNTIME_FAILED} when the run fails
   */
  public Map<String, TensorData> run(Map<String, TensorData> values) throws PartitionException {
    Map<String, OnnxTensor> feeds = new HashMap<>();
    try {
      for (String input : session.getInputNames()) {
        TensorData value = values.get(input);
        if (value == null) {
          throw new PartitionException(
              Code.BAD_INPUT, name + " needs input " + input + ", which was not given");
        }
        feeds.put(input, value.toOnnx(env));
      }
      Map<String, TensorData> outputs = new LinkedHashMap<>();
      try (OrtSession.Result result = session.run(feeds)) {
        for (Map.Entry<String, OnnxValue> output : result) {
          if (output.getValue() instanceof OnnxTensor tensor) {
            outputs.put(output.getKey(), TensorData.of(tensor));
          }
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

  @Override
  public void close() throws PartitionException {
    try {
      session.close();
    } catch (OrtException e) {
      throw new PartitionException(Code.RUNTIME_FAILED, "Cannot close " + name, e);
    }
  }
}
