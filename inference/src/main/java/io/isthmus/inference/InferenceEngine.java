package io.isthmus.inference;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * An inference engine (ONNX Runtime, TFLite) that loads models. Get one from {@link Engines}.
 * Engines are thread-safe; closing one does not close the models it loaded.
 */
public interface InferenceEngine extends AutoCloseable {

  /** A short stable name: "onnxruntime" or "tflite". */
  String name();

  /** Whether this engine can run here, and with which providers. Never throws. */
  EngineAvailability availability();

  /**
   * As {@link #availability()}, also checking what {@code options} configure beyond the engine's
   * own providers (a TFLite external delegate library). Never throws.
   */
  default EngineAvailability availability(ModelOptions options) {
    return availability();
  }

  /**
   * Loads the model file at {@code path}.
   *
   * @throws InferenceException MODEL_INVALID when the file is not a readable model (also when it
   *     cannot be read), UNSUPPORTED_OPERATOR when it needs an operator the engine lacks,
   *     UNSUPPORTED_PLATFORM when the engine has no native library here, PROVIDER_UNAVAILABLE when
   *     the provider is missing and the options forbid falling back
   */
  LoadedModel load(Path path, ModelOptions options) throws InferenceException;

  /** Loads a model from its bytes; fails as {@link #load(Path, ModelOptions)}. */
  LoadedModel load(ByteBuffer model, ModelOptions options) throws InferenceException;

  /** Loads a model from its bytes; fails as {@link #load(Path, ModelOptions)}. */
  default LoadedModel load(byte[] model, ModelOptions options) throws InferenceException {
    return load(ByteBuffer.wrap(model), options);
  }

  /** Loads with {@link ModelOptions#defaults()}. */
  default LoadedModel load(Path path) throws InferenceException {
    return load(path, ModelOptions.defaults());
  }

  /** Releases engine-wide resources; loaded models stay usable until they are closed. */
  @Override
  void close();
}
