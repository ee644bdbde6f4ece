package io.isthmus.offload.simulate;

/**
 * The simulated serverless platform and function.
 *
 * @param coldStartSeconds time from an instance's start to its first request (default 2 s: JVM
 *     start plus a model load)
 * @param instanceConcurrency requests one instance serves at once (default 1, as on Lambda;
 *     Knative's containerConcurrency)
 * @param keepAliveSeconds how long an idle on-demand instance stays warm before it is scaled to
 *     zero (default 60 s)
 * @param serviceTime execution time of a request on a warm instance (default log-normal, mean 100
 *     ms, cv 0.5)
 * @param memoryGb memory of an instance, the unit of GB-s billing (default 2 GB)
 * @param maxInstances the platform's instance limit; arrivals beyond it wait in a queue (default
 *     1000)
 * @param controlIntervalSeconds how often the scaling policy runs (default 10 s)
 */
public record PlatformModel(
    double coldStartSeconds,
    int instanceConcurrency,
    double keepAliveSeconds,
    ServiceTime serviceTime,
    double memoryGb,
    int maxInstances,
    double controlIntervalSeconds) {

  /** Validates every value and names the bad one. */
  public PlatformModel {
    if (!(coldStartSeconds >= 0) || !(keepAliveSeconds >= 0)) {
      throw new IllegalArgumentException(
          "coldStartSeconds and keepAliveSeconds must be >= 0, got "
              + coldStartSeconds
              + " and "
              + keepAliveSeconds);
    }
    if (instanceConcurrency < 1 || maxInstances < 1) {
      throw new IllegalArgumentException(
          "instanceConcurrency and maxInstances must be >= 1, got "
              + instanceConcurrency
              + " and "
              + maxInstances);
    }
    if (!(memoryGb > 0) || !(controlIntervalSeconds > 0)) {
      throw new IllegalArgumentException(
          "memoryGb and controlIntervalSeconds must be positive, got "
              + memoryGb
              + " and "
              + controlIntervalSeconds);
    }
    if (serviceTime == null) {
      throw new IllegalArgumentException("serviceTime is required");
    }
  }

  /** The documented defaults. */
  public static PlatformModel defaults() {
    return new PlatformModel(2, 1, 60, new ServiceTime(0.1, 0.5), 2, 1000, 10);
  }
}
