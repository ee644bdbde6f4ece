package io.isthmus.agent.pipeline.post;

import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.inference.Outputs;
import io.isthmus.protocol.v1.InferenceResult;

/** Turns one event's model outputs (batch dimension 1) into the summary and outputs of a result. */
public interface Postprocessor {

  /**
   * Fills {@code result}'s summary and/or outputs from {@code outputs}.
   *
   * @throws RejectedEventException BAD_OUTPUT when the outputs do not have the expected form
   */
  void apply(Outputs outputs, InferenceResult.Builder result) throws RejectedEventException;
}
