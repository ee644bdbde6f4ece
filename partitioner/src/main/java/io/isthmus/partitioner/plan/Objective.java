package io.isthmus.partitioner.plan;

/** What a plan minimises. */
public enum Objective {
  /** End-to-end latency of one inference, ms. */
  LATENCY("ms"),
  /** The gateway's energy for one inference, mJ. */
  ENERGY("mJ"),
  /** The cloud's price of one inference, in the price unit of the parameters. */
  COST("price units");

  private final String unit;

  Objective(String unit) {
    this.unit = unit;
  }

  /** The unit of the objective's value. */
  public String unit() {
    return unit;
  }
}
