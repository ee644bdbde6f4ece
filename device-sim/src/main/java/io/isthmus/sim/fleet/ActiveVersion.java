package io.isthmus.sim.fleet;

import io.isthmus.protocol.v1.PipelineStats;

/**
 * The version a simulated pipeline serves and the figures it reports for it: runs accumulate at the
 * configured rate from activation, a fixed share of them fail, and the percentiles are the
 * gateway's own (or a faulty gateway's inflated ones).
 *
 * @param key {@code name@version#sha256}, how desired models are told apart
 * @param version the model version
 * @param sinceUs activation time, microseconds since the epoch
 * @param errorRate the share of runs that fail
 * @param p50Us median run time
 * @param p95Us 95th percentile run time
 */
record ActiveVersion(
    String key, String version, long sinceUs, double errorRate, long p50Us, long p95Us) {

  /**
   * The figures of {@code version} on the gateway {@code profile} describes, activated at {@code
   * sinceUs}: its own healthy figures, or those of {@code fault} when it is faulty for the version
   * (null when not).
   */
  static ActiveVersion of(
      String key, String version, long sinceUs, GatewayProfile profile, FaultPlan fault) {
    double errorRate = profile.errorRate();
    double p50 = profile.p50Ms();
    double p95 = profile.p95Ms();
    if (fault != null && fault.mode() == FaultMode.ERRORS) {
      errorRate = fault.errorRate();
    } else if (fault != null && fault.mode() == FaultMode.LATENCY) {
      p50 *= fault.latencyFactor();
      p95 *= fault.latencyFactor();
    }
    return new ActiveVersion(
        key, version, sinceUs, errorRate, Math.round(p50 * 1000), Math.round(p95 * 1000));
  }

  /** The figures since activation, as of {@code nowUs}, at {@code runsPerSecond}. */
  PipelineStats stats(long nowUs, double runsPerSecond) {
    long runs = (long) Math.floor(Math.max(0, nowUs - sinceUs) / 1e6 * runsPerSecond);
    return PipelineStats.newBuilder()
        .setModelVersion(version)
        .setRuns(runs)
        .setErrors(Math.round(runs * errorRate))
        .setP50Us(p50Us)
        .setP95Us(p95Us)
        .setSinceUs(sinceUs)
        .build();
  }
}
