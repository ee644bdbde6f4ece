package io.isthmus.offload.simulate;

import java.util.SplittableRandom;

/**
 * Service-time distribution of one request on a warm instance: log-normal with the given mean and
 * coefficient of variation (standard deviation over mean), or fixed when the coefficient is 0.
 *
 * @param meanSeconds mean service time, positive
 * @param coefficientOfVariation spread, {@code >= 0}
 */
public record ServiceTime(double meanSeconds, double coefficientOfVariation) {

  /** Validates both values. */
  public ServiceTime {
    if (!(meanSeconds > 0)) {
      throw new IllegalArgumentException("meanSeconds must be positive, got " + meanSeconds);
    }
    if (!(coefficientOfVariation >= 0)) {
      throw new IllegalArgumentException(
          "coefficientOfVariation must be >= 0, got " + coefficientOfVariation);
    }
  }

  /** A fixed service time. */
  public static ServiceTime fixed(double seconds) {
    return new ServiceTime(seconds, 0);
  }

  /** Draws one service time. */
  public double sample(SplittableRandom random) {
    if (coefficientOfVariation == 0) {
      return meanSeconds;
    }
    double sigma2 = Math.log1p(coefficientOfVariation * coefficientOfVariation);
    double mu = Math.log(meanSeconds) - sigma2 / 2;
    return Math.exp(mu + Math.sqrt(sigma2) * gaussian(random));
  }

  // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
