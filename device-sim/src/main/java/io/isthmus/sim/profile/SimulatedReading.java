package io.isthmus.sim.profile;

import io.isthmus.protocol.v1.SensorEvent;
import java.util.Objects;

/**
 * One event as the simulator made it, with the ground truth that the payload does not carry.
 *
 * @param event what is published
 * @param faultInjected whether an anomaly was injected (a bearing fault for vibration); always
 *     false for profiles without faults
 * @param label what the reading shows, for test correlation: {@code healthy}/{@code fault}, {@code
 *     speech}/{@code silence}, {@code scene}, {@code file:name}, {@code drift}
 */
public record SimulatedReading(SensorEvent event, boolean faultInjected, String label) {
  public SimulatedReading {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(label, "label");
  }
}
