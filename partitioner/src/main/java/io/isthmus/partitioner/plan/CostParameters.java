package io.isthmus.partitioner.plan;

/**
 * The constants of the cost model. The defaults are stated, not measured here: override them with
 * figures of the actual gateway and cloud.
 *
 * @param serialisationNsPerByte gateway time to serialise one byte of a sent tensor into the
 *     request (and to read one byte of a returned one); default 1 ns (a copy at 1 GB/s)
 * @param coldStartMs extra latency when the cloud function has to start; default 0
 * @param coldStartProbability the chance that a request meets a cold start, 0..1; default 0
 * @param edgeActiveWatts the gateway's power while it computes or serialises; default 6.4 W (a
 *     Raspberry Pi 4 with all cores busy)
 * @param edgeIdleWatts the gateway's power while it waits for the network or the cloud; default 2.7
 *     W (a Raspberry Pi 4 idle)
 * @param radioNanojoulesPerByte the radio's energy per byte sent or received; default 400 nJ (about
 *     1 W of Wi-Fi transmit power at 20 Mbit/s)
 * @param cloudMemoryGb the memory the cloud function is billed for; default 2 GB
 * @param cloudPricePerGbSecond the price of one GB-second of cloud function time; default
 *     0.0000166667 (a common serverless list price in USD)
 * @param cloudPricePerRequest the price of one cloud request; default 0.0000002
 */
public record CostParameters(
    double serialisationNsPerByte,
    double coldStartMs,
    double coldStartProbability,
    double edgeActiveWatts,
    double edgeIdleWatts,
    double radioNanojoulesPerByte,
    double cloudMemoryGb,
    double cloudPricePerGbSecond,
    double cloudPricePerRequest) {
  public static final CostParameters DEFAULTS =
      new CostParameters(1.0, 0, 0, 6.4, 2.7, 400, 2.0, 0.0000166667, 0.0000002);

  public CostParameters {
    nonNegative("serialisationNsPerByte", serialisationNsPerByte);
    nonNegative("coldStartMs", coldStartMs);
    nonNegative("edgeActiveWatts", edgeActiveWatts);
    nonNegative("edgeIdleWatts", edgeIdleWatts);
    nonNegative("radioNanojoulesPerByte", radioNanojoulesPerByte);
    nonNegative("cloudMemoryGb", cloudMemoryGb);
    nonNegative("cloudPricePerGbSecond", cloudPricePerGbSecond);
    nonNegative("cloudPricePerRequest", cloudPricePerRequest);
    if (!(coldStartProbability >= 0 && coldStartProbability <= 1)) {
      throw new IllegalArgumentException(
          "coldStartProbability must be in [0, 1], got " + coldStartProbability);
    }
  }

  /** These parameters with another cold start. */
  public CostParameters withColdStart(double ms, double probability) {
    return new CostParameters(
        serialisationNsPerByte,
        ms,
        probability,
        edgeActiveWatts,
        edgeIdleWatts,
        radioNanojoulesPerByte,
        cloudMemoryGb,
        cloudPricePerGbSecond,
        cloudPricePerRequest);
  }

  /** These parameters with another serialisation cost. */
  public CostParameters withSerialisationNsPerByte(double ns) {
    return new CostParameters(
        ns,
        coldStartMs,
        coldStartProbability,
        edgeActiveWatts,
        edgeIdleWatts,
        radioNanojoulesPerByte,
        cloudMemoryGb,
        cloudPricePerGbSecond,
        cloudPricePerRequest);
  }

  private static void nonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + value);
    }
  }
}
