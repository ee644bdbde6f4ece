package io.isthmus.offload.model;

import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelSignature;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.TensorSpec;
import io.isthmus.offload.batch.DynamicBatcher;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One loaded, warmed model version with its batcher. Whole models and tail partitions are served
 * alike: the signature says what goes in and comes out. Close it to stop the batcher and free the
 * native session.
 */
public final class ServedModel implements AutoCloseable {
  private final ModelSource source;
  private final LoadedModel model;
  private final DynamicBatcher batcher;
  private final boolean batchable;
  private final String platform;
  private final long bytes;

  ServedModel(
      ModelSource source, LoadedModel model, String platform, long bytes, BatcherFactory batchers) {
    this.source = source;
    this.model = model;
    this.platform = platform;
    this.bytes = bytes;
    this.batchable = batchable(model.signature());
    this.batcher = batchers.create(source, inputs -> model.run(inputs).asMap(), batchable);
  }

  /** Makes the batcher of a model version. */
  @FunctionalInterface
  public interface BatcherFactory {
    DynamicBatcher create(ModelSource source, DynamicBatcher.Runner runner, boolean batchable);
  }

  /**
   * Whether requests can be stacked: every input and output has a dynamic first dimension (a batch
   * dimension). A model with a fixed first dimension runs each request alone.
   */
  static boolean batchable(ModelSignature signature) {
    for (List<TensorSpec> specs : List.of(signature.inputs(), signature.outputs())) {
      for (TensorSpec spec : specs) {
        long[] shape = spec.shape();
        if (shape.length == 0 || shape[0] != TensorSpec.DYNAMIC) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Runs the model once on zeros, dynamic dimensions set to 1, so the first request does not pay
   * for lazy initialisation inside the engine.
   *
   * @throws InferenceException if the run fails
   */
  void warm() throws InferenceException {
    Map<String, Tensor> zeros = new LinkedHashMap<>();
    for (TensorSpec spec : model.signature().inputs()) {
      long[] shape = spec.shape();
      long count = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shape[i] == TensorSpec.DYNAMIC ? 1 : shape[i];
        count *= shape[i];
      }
      ByteBuffer data =
          ByteBuffer.allocateDirect(Math.toIntExact(count * spec.dataType().byteSize()))
              .order(ByteOrder.LITTLE_ENDIAN);
      zeros.put(spec.name(), Tensor.ofBytes(spec.dataType(), shape, data));
    }
    model.run(zeros);
  }

  public ModelSource source() {
    return source;
  }

  public ModelSignature signature() {
    return model.signature();
  }

  /** The engine, as the protocol's model metadata names it (e.g. {@code onnxruntime_onnx}). */
  public String platform() {
    return platform;
  }

  /** The provider the model runs on (CPU after a fallback). */
  public ExecutionProvider provider() {
    return model.provider();
  }

  /** Whether requests for this model are batched. */
  public boolean batchable() {
    return batchable;
  }

  /** The bytes this model counts against the memory budget (its file size). */
  public long bytes() {
    return bytes;
  }

  /**
   * Queues validated inputs (in the signature's order) for the batcher; the future fails as {@link
   * DynamicBatcher#submit} says.
   */
  public CompletableFuture<Map<String, Tensor>> infer(Map<String, Tensor> inputs) {
    return batcher.submit(inputs);
  }

  @Override
  public void close() {
    batcher.close();
    model.close();
  }
}
