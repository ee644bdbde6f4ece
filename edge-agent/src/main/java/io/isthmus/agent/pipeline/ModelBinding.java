package io.isthmus.agent.pipeline;

import io.isthmus.agent.config.ConfigException;
import io.isthmus.inference.DataType;
import io.isthmus.inference.ModelSignature;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a pipeline's samples meet its model's input: checked once at start-up (a mismatch is a {@link
 * ConfigException} naming the pipeline and both shapes), then used to stack samples into a batch
 * tensor and to split the outputs back per event.
 */
public final class ModelBinding {
  private final String inputName;
  private final long[] sampleShape;
  private final int sampleSize;
  private final boolean dynamicBatch;
  private final ThreadLocal<ByteBuffer> inputBuffer =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(0));

  private ModelBinding(String inputName, long[] sampleShape, boolean dynamicBatch) {
    this.inputName = inputName;
    this.sampleShape = sampleShape;
    this.sampleSize = (int) Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b);
    this.dynamicBatch = dynamicBatch;
  }

  /**
   * Binds samples of {@code stageShape} to the model input {@code input} (or the only input).
   *
   * @throws ConfigException when the input is unknown or ambiguous, not FLOAT32, or of another
   *     shape: the input's first dimension is the batch (1 or -1) and the rest must hold the same
   *     number of elements (fixed dimensions) or the same rank with equal fixed dimensions
   */
  public static ModelBinding bind(
      String pipeline, ModelSignature signature, String input, long[] stageShape) {
    String path = "pipelines[" + pipeline + "].model";
    List<TensorSpec> inputs = signature.inputs();
    TensorSpec spec;
    if (input != null) {
      spec =
          inputs.stream()
              .filter(s -> s.name().equals(input))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ConfigException(
                          path + ".input",
                          "\""
                              + input
                              + "\" is not an input of the model, expected one of "
                              + signature.inputNames()));
    } else if (inputs.size() == 1) {
      spec = inputs.get(0);
    } else {
      throw new ConfigException(
          path + ".input",
          "missing, expected one of " + signature.inputNames() + " (pipelines feed one input)");
    }
    if (inputs.size() > 1) {
      throw new ConfigException(
          path, "model has inputs " + signature.inputNames() + ", expected a single-input model");
    }
    if (spec.dataType() != DataType.FLOAT32) {
      throw new ConfigException(
          path, "input " + spec.name() + " is " + spec.dataType() + ", expected FLOAT32");
    }
    long[] model = spec.shape();
    String mismatch =
        "pipeline "
            + pipeline
            + ": pre-processing makes samples of shape "
            + Arrays.toString(stageShape)
            + " (plus a batch dimension) but model input "
            + spec.name()
            + " has shape "
            + Arrays.toString(model)
            + " (-1 is any size)";
    if (model.length < 1 || (model[0] != 1 && model[0] != TensorSpec.DYNAMIC)) {
      throw new ConfigException(path, mismatch);
    }
    long[] rest = Arrays.copyOfRange(model, 1, model.length);
    boolean fixed = Arrays.stream(rest).allMatch(d -> d >= 0);
    long[] sample;
    if (fixed) {
      long need = Arrays.stream(rest).reduce(1, (a, b) -> a * b);
      long have = Arrays.stream(stageShape).reduce(1, (a, b) -> a * b);
      if (need != have) {
        throw new ConfigException(path, mismatch);
      }
      sample = rest;
    } else {
      if (rest.length != stageShape.length) {
        throw new ConfigException(path, mismatch);
      }
      for (int i = 0; i < rest.length; i++) {
        if (rest[i] >= 0 && rest[i] != stageShape[i]) {
          throw new ConfigException(path, mismatch);
        }
      }
      sample = stageShape.clone();
    }
    return new ModelBinding(spec.name(), sample, model[0] == TensorSpec.DYNAMIC);
  }

  /** Whether the model takes more than one sample per run. */
  public boolean dynamicBatch() {
    return dynamicBatch;
  }

  public String inputName() {
    return inputName;
  }

  /**
   * The samples stacked into one input tensor of shape [n, sample...]. The tensor's bytes live in a
   * direct buffer that belongs to the calling thread and is reused by its next call: run the model
   * on it before stacking again on the same thread, and keep no reference to it after the run. (A
   * fresh direct buffer per event costs an allocation and native memory that only a garbage
   * collection gives back.)
   */
  public Map<String, Tensor> stack(List<float[]> samples) {
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = samples.size();
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    int bytes = samples.size() * sampleSize * 4;
    ByteBuffer buffer = inputBuffer.get();
    if (buffer.capacity() < bytes) {
      buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
      inputBuffer.set(buffer);
    }
    buffer.clear();
    FloatBuffer floats = buffer.asFloatBuffer();
    for (float[] s : samples) {
      floats.put(s);
    }
    buffer.limit(bytes);
    return Map.of(inputName, Tensor.ofBytes(DataType.FLOAT32, shape, buffer));
  }

  /**
   * The outputs of sample {@code i} of {@code n}: each output whose first dimension is {@code n}
   * sliced to [1, ...]; others (no batch dimension) shared as they are.
   */
  public static Outputs slice(Outputs outputs, int i, int n) {
    if (n == 1) {
      return outputs;
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String name : outputs.names()) {
      Tensor t = outputs.get(name);
      long[] shape = t.shape();
      if (shape.length == 0 || shape[0] != n) {
        out.put(name, t);
        continue;
      }
      int bytes = (int) (t.elementCount() / n) * t.dataType().byteSize();
      ByteBuffer data = t.data().duplicate();
      data.position(i * bytes).limit((i + 1) * bytes);
      long[] one = shape.clone();
      one[0] = 1;
      out.put(name, Tensor.ofBytes(t.dataType(), one, data.slice()));
    }
    return new Outputs(out);
  }
}
