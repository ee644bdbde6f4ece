package io.isthmus.offload.scaling;

import java.util.function.Function;

/** The scaling policies by name; {@link #create} makes a new policy with no history. */
public enum PolicyKind {
  REACTIVE(parameters -> new ReactivePolicy()),
  ADAPTIVE(AdaptivePolicy::new),
  PREDICTIVE(PredictivePolicy::new);

  private final Function<ScalingParameters, ScalingPolicy> factory;

  PolicyKind(Function<ScalingParameters, ScalingPolicy> factory) {
    this.factory = factory;
  }

  /** A new policy of this kind with the given parameters. */
  public ScalingPolicy create(ScalingParameters parameters) {
    return factory.apply(parameters);
  }
}
