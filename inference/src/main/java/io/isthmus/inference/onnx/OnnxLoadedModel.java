package io.isthmus.inference.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.ModelSignature;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.internal.GuardedModel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ONNX Runtime session. {@code OrtSession.run} is thread-safe, so runs proceed concurrently;
 * {@link GuardedModel} keeps {@link #close()} from freeing the session under a running call.
 */
final class OnnxLoadedModel extends GuardedModel {
  private final OrtEnvironment env;
  private final OrtSession session;

  OnnxLoadedModel(
      OrtEnvironment env,
      OrtSession session,
      ModelSignature signature,
      ExecutionProvider provider) {
    super(signature, provider);
    this.env = env;
    this.session = session;
  }

  @Override
  protected Outputs runOpen(Map<String, Tensor> inputs) throws InferenceException {
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
  }

  @Override
  protected void release() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed to close the session", e);
    }
  }
}
