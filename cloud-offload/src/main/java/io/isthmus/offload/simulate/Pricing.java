package io.isthmus.offload.simulate;

/**
 * Billing model, AWS-Lambda-like, in USD. On-demand instances bill their initialisation and each
 * request's execution by GB-s; provisioned instances bill GB-s for every second they are
 * provisioned plus execution at a lower rate; every request bills a fixed charge.
 *
 * @param perRequest charge per request
 * @param onDemandPerGbSecond execution and initialisation on an on-demand instance
 * @param provisionedPerGbSecond provisioned time, whether busy or idle
 * @param provisionedDurationPerGbSecond execution on a provisioned instance
 */
public record Pricing(
    double perRequest,
    double onDemandPerGbSecond,
    double provisionedPerGbSecond,
    double provisionedDurationPerGbSecond) {

  /** Checks that no price is negative. */
  public Pricing {
    if (perRequest < 0
        || onDemandPerGbSecond < 0
        || provisionedPerGbSecond < 0
        || provisionedDurationPerGbSecond < 0) {
      throw new IllegalArgumentException("prices must be >= 0");
    }
  }

  /**
   * AWS Lambda's published x86 prices (us-east-1, first pricing tier): USD 0.20 per million
   * requests, USD 0.0000166667 per GB-s on demand, USD 0.0000041667 per GB-s of provisioned
   * concurrency and USD 0.0000097222 per GB-s of execution on it.
   */
  public static Pricing awsLambdaX86() {
    return new Pricing(0.20e-6, 0.0000166667, 0.0000041667, 0.0000097222);
  }
}
