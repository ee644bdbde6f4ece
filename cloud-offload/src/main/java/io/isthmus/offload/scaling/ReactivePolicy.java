package io.isthmus.offload.scaling;

/**
 * What a platform does on its own: nothing provisioned. Instances start (cold) when a request finds
 * no free slot, stay warm for the platform's keep-alive and then scale to zero; the simulator
 * models that part.
 */
public final class ReactivePolicy implements ScalingPolicy {

  @Override
  public String name() {
    return "reactive";
  }

  @Override
  public int initialConcurrency() {
    return 0;
  }

  @Override
  public int decide(WindowMetrics window) {
    return 0;
  }
}
