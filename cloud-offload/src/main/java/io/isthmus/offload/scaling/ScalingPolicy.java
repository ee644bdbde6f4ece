package io.isthmus.offload.scaling;

/**
 * Decides a serverless function's provisioned concurrency (instances kept warm, counted in
 * concurrent requests) once per control window from what the platform measured in that window.
 *
 * <p>Policies keep state between windows (history, counters), so use one instance per function and
 * feed it every window in order. The result goes to a {@link
 * io.isthmus.offload.scaling.actuate.ConcurrencyActuator} (Knative min-scale, Lambda provisioned
 * concurrency) or to the simulator.
 */
public interface ScalingPolicy {

  /** A short stable name: {@code reactive}, {@code adaptive}, {@code predictive}. */
  String name();

  /** The provisioned concurrency to hold before the first window has been observed. */
  int initialConcurrency();

  /**
   * Returns the provisioned concurrency for the next window.
   *
   * @param window the window that just ended
   * @return the concurrency to provision, {@code >= 0}
   */
  int decide(WindowMetrics window);
}
