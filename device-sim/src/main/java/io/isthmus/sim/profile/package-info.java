/**
 * Simulated sensors: a {@link io.isthmus.sim.profile.SensorProfile} per kind of sensor (vibration,
 * environment, audio, camera) makes one {@link io.isthmus.sim.profile.SensorSource} per device,
 * whose {@link io.isthmus.sim.profile.SimulatedReading}s carry the event and its ground truth.
 */
package io.isthmus.sim.profile;
