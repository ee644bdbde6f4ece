package io.isthmus.console.rollout;

/**
 * Failures that halt a rollout: more than {@code maxFailures} failed gateways, or more than {@code
 * maxFailurePercent} percent of the gateways reached so far. A negative value switches that limit
 * off.
 *
 * @param maxFailures failed gateways tolerated; -1 for no count limit
 * @param maxFailurePercent percentage of reached gateways tolerated; -1 for no percentage limit
 */
public record ErrorThreshold(Integer maxFailures, Double maxFailurePercent) {
  /** No count limit, at most 10% of the gateways reached. */
  public static final ErrorThreshold DEFAULT = new ErrorThreshold(-1, 10.0);

  public ErrorThreshold {
    maxFailures = maxFailures == null ? -1 : maxFailures;
    maxFailurePercent = maxFailurePercent == null ? -1.0 : maxFailurePercent;
    if (maxFailurePercent > 100) {
      throw new IllegalArgumentException(
          "errorThreshold.maxFailurePercent "
              + maxFailurePercent
              + " is not valid: expected <= 100");
    }
  }

  /**
   * Why {@code failed} failures out of {@code reached} gateways halt the rollout, or null if they
   * do not.
   */
  public String exceededBy(int failed, int reached) {
    if (maxFailures >= 0 && failed > maxFailures) {
      return failed + " gateway(s) failed, more than the " + maxFailures + " allowed";
    }
    if (maxFailurePercent >= 0 && reached > 0 && failed * 100.0 / reached > maxFailurePercent) {
      return String.format(
          java.util.Locale.ROOT,
          "%d of %d gateways failed (%.1f%%), more than the %.1f%% allowed",
          failed,
          reached,
          failed * 100.0 / reached,
          maxFailurePercent);
    }
    return null;
  }
}
