package io.isthmus.agent.pipeline.post;

import io.isthmus.inference.Outputs;
import io.isthmus.protocol.v1.InferenceResult;

/** No summary; the output tensors go into the result as they are. */
public final class RawPost implements Postprocessor {

  @Override
  public void apply(Outputs outputs, InferenceResult.Builder result) {
    for (String name : outputs.names()) {
      result.addOutputs(ResultTensors.toProto(name, outputs.get(name)));
    }
  }
}
