package io.isthmus.agent.pipeline.pre;

import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.protocol.v1.SensorEvent;
import java.util.Optional;

/** The first pre-processing stage: turns an event into the features of one sample. */
public interface SourceStage {

  /** The shape of one sample, without a batch dimension. */
  long[] sampleShape();

  /**
   * The sample's features, row-major, or empty when the stage needs more events first (a window
   * still filling).
   *
   * @throws RejectedEventException when the event does not fit (wrong payload kind or size,
   *     undecodable image)
   */
  Optional<float[]> apply(SensorEvent event) throws RejectedEventException;
}
