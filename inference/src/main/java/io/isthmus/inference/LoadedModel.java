package io.isthmus.inference;

import java.util.Map;

/**
 * A model loaded into an engine, holding native memory until {@link #close()}d. After close every
 * method but {@code close} throws {@link IllegalStateException}.
 *
 * <p>{@link #run} is thread-safe in every backend: ONNX Runtime sessions run concurrently; TFLite
 * interpreters are not thread-safe, so the TFLite backend keeps a small pool of them and each call
 * borrows one.
 */
public interface LoadedModel extends AutoCloseable {

  /** The model's inputs and outputs. */
  ModelSignature signature();

  /** The execution provider the model runs on: the requested one, or CPU after a fallback. */
  ExecutionProvider provider();

  /**
   * Runs the model once. Inputs are validated against {@link #signature()} before native code sees
   * them. The outputs are heap copies that the caller owns; nothing needs closing.
   *
   * @throws InferenceException INVALID_INPUT for an unknown, missing or mistyped/misshapen input;
   *     ENGINE_FAILURE when the engine fails while running
   * @throws IllegalStateException if the model is closed
   */
  Outputs run(Map<String, Tensor> inputs) throws InferenceException;

  /** Frees the native memory; idempotent. Waits for runs in progress to finish. */
  @Override
  void close();
}
