package io.isthmus.console.rollout;

import io.isthmus.protocol.v1.DesiredModel;

/** Changes a gateway's desired state and publishes it. */
public interface DesiredStateWriter {
  /**
   * Sets {@code pipeline}'s model on {@code gatewayId} and publishes the gateway's desired state
   * with a new, higher generation.
   *
   * @return the generation of the published desired state
   */
  long assign(String gatewayId, String pipeline, DesiredModel model);
}
