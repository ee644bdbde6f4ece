package io.isthmus.offload.simulate;

import io.isthmus.offload.scaling.ScalingPolicy;
import java.util.SplittableRandom;

/**
 * Discrete-event simulator of a serverless function under a scaling policy: replays an arrival
 * trace against instances with a cold-start time, per-instance concurrency and a keep-alive, runs
 * the policy every control interval on the window's metrics, and bills the run. docs/scaling.md
 * describes the model.
 *
 * <p>Deterministic: service times are drawn from the seed in arrival order before the run, so every
 * policy replayed with the same trace and seed sees the same requests.
 */
public final class Simulator {
  private final PlatformModel platform;
  private final Pricing pricing;

  /** A simulator of the given platform and prices. */
  public Simulator(PlatformModel platform, Pricing pricing) {
    this.platform = platform;
    this.pricing = pricing;
  }

  /**
   * Replays {@code trace} against a fresh {@code policy}.
   *
   * @throws IllegalStateException when the policy decides a negative concurrency
   */
  public SimulationResult run(ArrivalTrace trace, ScalingPolicy policy, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] serviceSeconds = new double[trace.size()];
    for (int i = 0; i < serviceSeconds.length; i++) {
      serviceSeconds[i] = platform.serviceTime().sample(random);
    }
    return new SimulationRun(platform, pricing, trace, serviceSeconds, policy).run();
  }
}
