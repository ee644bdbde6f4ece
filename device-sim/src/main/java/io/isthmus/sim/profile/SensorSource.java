package io.isthmus.sim.profile;

/** The readings of one simulated device, in sequence order. Not thread-safe: one per device. */
public interface SensorSource {

  /**
   * The next reading. Call with increasing sequence numbers; the payload depends only on the seed
   * and on how many readings came before, never on {@code timestampUs}, which is only stamped on
   * the event.
   *
   * @param sequence the event's sequence number
   * @param timestampUs the device clock, microseconds since the Unix epoch
   */
  SimulatedReading next(long sequence, long timestampUs);
}
