package io.isthmus.inference.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelSignature;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An ONNX Runtime session. {@code OrtSession.run} is thread-safe, so runs proceed concurrently; the
 * read-write lock only keeps {@link #close()} from freeing the session under a running call.
 */
final class OnnxLoadedModel implements LoadedModel {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelSignature signature;
  private final ExecutionProvider provider;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  OnnxLoadedModel(
      OrtEnvironment env,
      OrtSession session,
      ModelSignature signature,
      ExecutionProvider provider) {
    this.env = env;
    this.session = session;
    this.signature = signature;
    this.provider = provider;
  }

  @Override
  public ModelSignature signature() {
    lock.readLock().lock();
    try {
      ensureOpen();
      return signature;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public ExecutionProvider provider() {
    lock.readLock().lock();
    try {
      ensureOpen();
      return provider;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Outputs run(Map<String, Tensor> inputs) throws InferenceException {
    lock.readLock().lock();
    try {
      ensureOpen();
      signature.validate(inputs);
      Map<String, OnnxTensor> onnxInputs = new HashMap<>();
      try {
        for (Map.Entry<String, Tensor> input : inputs.entrySet()) {
          onnxInputs.put(input.getKey(), OnnxTypes.toOnnx(env, input.getValue()));
        }
        try (OrtSession.Result result = session.run(onnxInputs)) {
          Map<String, Tensor> outputs = new LinkedHashMap<>();
          for (Map.Entry<String, OnnxValue> output : result) {
            if (!(output.getValue() instanceof OnnxTensor tensor)) {
              throw new InferenceException(
                  InferenceException.Code.UNSUPPORTED_OPERATOR,
                  "Output " + output.getKey() + " is not a tensor: " + output.getValue().getInfo());
            }
            outputs.put(output.getKey(), OnnxTypes.fromOnnx(output.getKey(), tensor));
          }
          return new Outputs(outputs);
        }
      } catch (OrtException e) {
        throw new InferenceException(
            InferenceException.Code.ENGINE_FAILURE,
            "ONNX Runtime failed to run the model: " + e.getMessage(),
            e);
      } finally {
        onnxInputs.values().forEach(OnnxTensor::close);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to close the session", e);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Model is closed");
    }
  }
}
