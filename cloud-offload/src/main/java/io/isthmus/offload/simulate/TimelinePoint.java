package io.isthmus.offload.simulate;

/**
 * The state at the end of one control window.
 *
 * @param timeSeconds end of the window
 * @param provisionedConcurrency what the policy decided for the next window
 * @param instances live instances (initialising or warm)
 * @param arrivalRate arrivals per second in the window
 */
public record TimelinePoint(
    double timeSeconds, int provisionedConcurrency, int instances, double arrivalRate) {}
