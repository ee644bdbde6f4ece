package io.isthmus.agent.pipeline.pre;

import io.isthmus.agent.pipeline.RejectedEventException;
import java.util.Optional;

/**
 * A pre-processing stage after the source: turns one device's features into the next stage's
 * features, or into nothing yet (a stream still filling). Stages that hold models close them.
 */
public interface FeatureStage extends AutoCloseable {

  /** The shape of what {@link #apply} returns, given what the stage before it makes. */
  long[] outputShape();

  /**
   * The next features of {@code deviceId}, or empty when the stage needs more first; may return
   * {@code features} itself, changed in place.
   *
   * @throws RejectedEventException when a model inside the stage fails on the features
   */
  Optional<float[]> apply(String deviceId, float[] features) throws RejectedEventException;

  /** Frees what the stage holds; by default nothing. */
  @Override
  default void close() {}
}
