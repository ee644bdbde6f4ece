package io.isthmus.offload.simulate;

/**
 * What a simulated run bills, in USD, by {@link Pricing} component.
 *
 * @param requests the per-request charge
 * @param execution GB-s of request execution (on-demand and provisioned rates)
 * @param initialisation GB-s of on-demand instance initialisation (cold starts)
 * @param provisioned GB-s of provisioned instances, busy or idle
 */
public record Cost(double requests, double execution, double initialisation, double provisioned) {

  /** The sum of all components. */
  public double total() {
    return requests + execution + initialisation + provisioned;
  }
}
