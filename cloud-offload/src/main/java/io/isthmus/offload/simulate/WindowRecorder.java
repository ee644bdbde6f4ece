package io.isthmus.offload.simulate;

import io.isthmus.offload.scaling.WindowMetrics;
import java.util.Arrays;

/** Accumulates one control window's measurements and turns them into {@link WindowMetrics}. */
final class WindowRecorder {
  private int arrivals;
  private int coldStarts;
  private int completions;
  private double serviceSum;
  private double[] latencies = new double[64];
  private double busySlotSeconds;
  private double warmSlotSeconds;
  private double busyProvisionedSlotSeconds;
  private double provisionedSlotSeconds;

  void arrival(boolean cold) {
    arrivals++;
    if (cold) {
      coldStarts++;
    }
  }

  void completion(double serviceSeconds, double latencySeconds) {
    if (completions == latencies.length) {
      latencies = Arrays.copyOf(latencies, completions * 2);
    }
    latencies[completions++] = latencySeconds;
    serviceSum += serviceSeconds;
  }

  /**
   * Adds {@code seconds} of time with the given busy and warm request slots, all and provisioned.
   */
  void elapse(
      double seconds,
      int busySlots,
      int warmSlots,
      int busyProvisionedSlots,
      int provisionedSlots) {
    busySlotSeconds += seconds * busySlots;
    warmSlotSeconds += seconds * warmSlots;
    busyProvisionedSlotSeconds += seconds * busyProvisionedSlots;
    provisionedSlotSeconds += seconds * provisionedSlots;
  }

  int arrivals() {
    return arrivals;
  }

  /** The window's metrics; resets the recorder for the next window. */
  WindowMetrics close(double endSeconds, double lengthSeconds, int provisioned) {
    WindowMetrics metrics =
        new WindowMetrics(
            endSeconds,
            lengthSeconds,
            arrivals / lengthSeconds,
            completions == 0 ? Double.NaN : serviceSum / completions,
            Percentiles.of(latencies, completions, 0.95),
            coldStarts,
            utilisation(),
            provisioned);
    arrivals = 0;
    coldStarts = 0;
    completions = 0;
    serviceSum = 0;
    busySlotSeconds = 0;
    warmSlotSeconds = 0;
    busyProvisionedSlotSeconds = 0;
    provisionedSlotSeconds = 0;
    return metrics;
  }

  // Of the provisioned slots when there were any (as Lambda's ProvisionedConcurrencyUtilization),
  // else of
  // all warm slots.
  private double utilisation() {
    if (provisionedSlotSeconds > 0) {
      return busyProvisionedSlotSeconds / provisionedSlotSeconds;
    }
    return warmSlotSeconds == 0 ? 0 : busySlotSeconds / warmSlotSeconds;
  }
}
