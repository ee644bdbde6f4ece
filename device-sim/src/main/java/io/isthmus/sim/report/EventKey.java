package io.isthmus.sim.report;

import java.util.Comparator;
import java.util.Objects;

/** What a result is correlated by: the device and the event's sequence number. */
public record EventKey(String deviceId, long sequence) implements Comparable<EventKey> {
  private static final Comparator<EventKey> ORDER =
      Comparator.comparing(EventKey::deviceId).thenComparingLong(EventKey::sequence);

  public EventKey {
    Objects.requireNonNull(deviceId, "deviceId");
  }

  @Override
  public int compareTo(EventKey o) {
    return ORDER.compare(this, o);
  }

  /** {@code device/seq}. */
  @Override
  public String toString() {
    return deviceId + "/" + Long.toUnsignedString(sequence);
  }
}
