package io.isthmus.offload.scaling.actuate;

import java.util.concurrent.CompletableFuture;

/**
 * Applies a scaling policy's provisioned concurrency to a serverless platform: Knative's min-scale
 * annotation ({@link KnativeMinScaleActuator}) or Lambda provisioned concurrency ({@link
 * LambdaProvisionedConcurrencyActuator}).
 */
public interface ConcurrencyActuator {

  /** What this actuator scales, for logs and errors (e.g. {@code knative:ns/service}). */
  String target();

  /**
   * Provisions {@code concurrency} concurrent requests' worth of warm instances.
   *
   * @param concurrency the provisioned concurrency, {@code >= 0}
   * @return a future completed with the value the platform now holds, in the platform's own unit
   *     (Knative: pods, Lambda: concurrent executions); failed with {@link ActuationException} when
   *     the platform refuses or cannot be reached
   * @throws IllegalArgumentException when {@code concurrency} is negative
   */
  CompletableFuture<Integer> apply(int concurrency);
}
