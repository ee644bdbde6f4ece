package io.isthmus.sim.profile;

/**
 * A kind of simulated sensor (vibration, environment, audio, camera). A profile is immutable and
 * shared by all devices; each device draws readings from its own {@link SensorSource}, so a run is
 * deterministic given the seed whatever the number of threads.
 */
public interface SensorProfile {

  /** The profile's name on the command line, e.g. {@code vibration}. */
  String name();

  /**
   * The stream the events are published on: the last level of {@code sensors/{device}/{stream}}.
   */
  String stream();

  /**
   * A new source of readings for one device. Two sources made with the same device id and seed
   * produce the same readings in the same order.
   *
   * @throws IllegalArgumentException if {@code deviceId} is empty
   */
  SensorSource newSource(String deviceId, long seed);
}
