package io.isthmus.sim.run;

/** How events are encoded on the wire. */
public enum PayloadFormat {
  /** The friendly JSON of {@code SensorEventJson} on {@code sensors/{device}/{stream}}. */
  JSON,
  /** A protobuf {@code SensorEvent} on {@code sensors/{device}/{stream}.pb}. */
  PROTOBUF
}
