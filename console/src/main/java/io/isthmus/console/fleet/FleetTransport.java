package io.isthmus.console.fleet;

import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.ReportedState;
import java.util.concurrent.CompletableFuture;

/** How the console talks to gateways: desired state out, reports and events in. */
public interface FleetTransport extends AutoCloseable {

  /** What arrives from gateways; called on the transport's thread, so it must not block. */
  interface Listener {
    void reported(String gatewayId, ReportedState report);

    void event(String gatewayId, GatewayEvent event);

    /** The transport (re)connected: desired states published while it was down may be lost. */
    void connected();
  }

  /**
   * Connects and subscribes; completes when the subscriptions are in place, fails if the broker
   * cannot be reached.
   */
  CompletableFuture<Void> start(Listener listener);

  /** Publishes {@code state} for {@code gatewayId} (MQTT: retained, QoS 1). Does not block. */
  void publishDesired(String gatewayId, DesiredState state);

  /**
   * Whether a desired state, once published, stays available to a gateway that connects later
   * (MQTT: retained). A transport that returns false (Hono commands reach only a connected gateway)
   * gets the desired state sent again when a gateway reports an older generation.
   */
  default boolean retainsDesired() {
    return true;
  }

  /** Messages refused as unreadable so far. */
  long rejected();

  @Override
  void close();
}
