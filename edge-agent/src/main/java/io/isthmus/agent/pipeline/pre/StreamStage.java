package io.isthmus.agent.pipeline.pre;

import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.TensorSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A per-device stream of rows with an optional model: what makes a chain of models over a signal,
 * such as audio -> mel frames -> embeddings -> wake-word score.
 *
 * <p>The features from the stage before are rows: a one-dimensional sample is a series of scalars
 * (rows of width 1), anything else has rows as wide as its last dimension. The stage keeps each
 * device's last {@code window} rows. Every {@code hop} new rows it either runs the model on the
 * window (the model's output, cut into rows as wide as the output's last dimension, is what the
 * stage emits; several runs in one event emit their rows one after the other) or, without a model,
 * emits the window itself (once per event, the latest). With {@code fill} the window starts full of
 * that value, so every event can produce a result from the first one on; without it nothing is
 * emitted until {@code window} rows have arrived. State is kept for at most {@code maxDevices}
 * devices, the least recently seen forgotten first.
 */
public final class StreamStage implements FeatureStage {
  private final int window;
  private final int hop;
  private final OptionalDouble fill;
  private final int width;
  private final LoadedModel model;
  private final String inputName;
  private final long[] inputShape;
  private final long[] outputShape;
  private final Map<String, DeviceRows> devices;

  /**
   * A stage over features of {@code inputShape}; {@code model} may be null. Runs the model once on
   * a window of zeros to learn its output shape.
   *
   * @throws IllegalArgumentException when the model's single input cannot hold {@code window} rows,
   *     or the model fails on its first run, naming the shapes
   */
  public StreamStage(
      int window,
      int hop,
      OptionalDouble fill,
      LoadedModel model,
      int maxDevices,
      long[] inputShape) {
    if (window < 1 || hop < 1 || hop > window || maxDevices < 1) {
      throw new IllegalArgumentException(
          "window " + window + ", hop " + hop + ", maxDevices " + maxDevices);
    }
    this.window = window;
    this.hop = hop;
    this.fill = fill;
    this.width = inputShape.length == 1 ? 1 : (int) inputShape[inputShape.length - 1];
    this.model = model;
    this.devices =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, DeviceRows> eldest) {
            return size() > maxDevices;
          }
        };
    if (model == null) {
      this.inputName = null;
      this.inputShape = null;
      this.outputShape = width == 1 ? new long[] {window} : new long[] {window, width};
    } else {
      TensorSpec input = singleInput(model);
      this.inputName = input.name();
      this.inputShape = fitShape(input, (long) window * width);
      Tensor out = run(new float[window * width]);
      long[] shape = out.shape();
      long outWidth = shape.length == 0 ? 1 : shape[shape.length - 1];
      this.outputShape = new long[] {out.elementCount() / outWidth, outWidth};
    }
  }

  @Override
  public long[] outputShape() {
    return outputShape.clone();
  }

  @Override
  public synchronized Optional<float[]> apply(String deviceId, float[] features)
      throws RejectedEventException {
    if (features.length % width != 0) {
      throw new RejectedEventException(
          RejectedEventException.WRONG_SHAPE,
          features.length + " features are not whole rows of " + width);
    }
    DeviceRows rows = devices.computeIfAbsent(deviceId, d -> new DeviceRows());
    float[] emitted = null;
    int emittedLength = 0;
    boolean due = false;
    for (int r = 0; r < features.length / width; r++) {
      if (!rows.push(features, r * width)) {
        continue;
      }
      if (model == null) {
        due = true;
        continue;
      }
      float[] out = runOn(rows.snapshot());
      if (emitted == null) {
        emitted = out;
      } else {
        emitted = Arrays.copyOf(emitted, emittedLength + out.length);
        System.arraycopy(out, 0, emitted, emittedLength, out.length);
      }
      emittedLength += out.length;
    }
    if (model == null) {
      return due ? Optional.of(rows.snapshot()) : Optional.empty();
    }
    return Optional.ofNullable(emitted);
  }

  private float[] runOn(float[] windowRows) throws RejectedEventException {
    try {
      return run(windowRows).toFloatArray();
    } catch (IllegalArgumentException e) {
      throw new RejectedEventException(
          RejectedEventException.ENGINE_FAILURE, "stream model run failed: " + e.getMessage(), e);
    }
  }

  private Tensor run(float[] windowRows) {
    try {
      return model.run(Map.of(inputName, Tensor.ofFloats(inputShape, windowRows))).get(0);
    } catch (InferenceException e) {
      throw new IllegalArgumentException(
          "model run on input "
              + inputName
              + Arrays.toString(inputShape)
              + " failed: "
              + e.getMessage(),
          e);
    }
  }

  private static TensorSpec singleInput(LoadedModel model) {
    if (model.signature().inputs().size() != 1) {
      throw new IllegalArgumentException(
          "the model has inputs "
              + model.signature().inputNames()
              + ", expected a single-input model");
    }
    return model.signature().inputs().get(0);
  }

  /**
   * The input shape with batch 1 and the one open dimension (if any) set so that it holds {@code
   * elements}.
   */
  private static long[] fitShape(TensorSpec input, long elements) {
    long[] shape = input.shape().clone();
    String mismatch =
        "a window of "
            + elements
            + " values does not fit model input "
            + input.name()
            + Arrays.toString(input.shape())
            + " (-1 is any size; the first dimension is the batch)";
    if (shape.length < 2 || (shape[0] != 1 && shape[0] != TensorSpec.DYNAMIC)) {
      throw new IllegalArgumentException(mismatch);
    }
    shape[0] = 1;
    long fixed = 1;
    int open = -1;
    for (int i = 1; i < shape.length; i++) {
      if (shape[i] == TensorSpec.DYNAMIC) {
        if (open >= 0) {
          throw new IllegalArgumentException(mismatch);
        }
        open = i;
      } else {
        fixed *= shape[i];
      }
    }
    if (open >= 0 && elements % fixed == 0) {
      shape[open] = elements / fixed;
    } else if (open >= 0 || fixed != elements) {
      throw new IllegalArgumentException(mismatch);
    }
    return shape;
  }

  @Override
  public void close() {
    if (model != null) {
      model.close();
    }
  }

  /** One device's ring of the last {@code window} rows. */
  private final class DeviceRows {
    private final float[] ring = new float[window * width];
    private int next;
    private long filled;
    private long sinceEmit;

    DeviceRows() {
      if (fill.isPresent()) {
        Arrays.fill(ring, (float) fill.getAsDouble());
        filled = window;
      }
    }

    /** Adds one row; true when the stage is due to emit. */
    boolean push(float[] source, int offset) {
      System.arraycopy(source, offset, ring, next * width, width);
      next = (next + 1) % window;
      filled++;
      sinceEmit++;
      if (filled >= window && sinceEmit >= hop) {
        sinceEmit = 0;
        return true;
      }
      return false;
    }

    /** The window, oldest row first. */
    float[] snapshot() {
      float[] out = new float[ring.length];
      int head = next * width;
      System.arraycopy(ring, head, out, 0, ring.length - head);
      System.arraycopy(ring, 0, out, ring.length - head, head);
      return out;
    }
  }
}
