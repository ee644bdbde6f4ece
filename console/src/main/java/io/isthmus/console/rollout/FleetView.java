package io.isthmus.console.rollout;

import io.isthmus.protocol.v1.ReportedState;
import java.util.Collection;
import java.util.Map;

/** The gateways as the rollout engine sees them. */
public interface FleetView {

  /**
   * One gateway.
   *
   * @param id the gateway id
   * @param labels its own labels merged with the operator's (the operator's win)
   * @param online whether it reported within the offline timeout
   * @param reported its last report, or null if none arrived yet
   */
  record Gateway(String id, Map<String, String> labels, boolean online, ReportedState reported) {}

  /** Every known gateway. */
  Collection<Gateway> gateways();
}
