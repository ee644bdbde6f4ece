package io.isthmus.offload.simulate;

import java.util.Comparator;

/**
 * A simulator event. At equal times, kinds run in declaration order: an instance becomes ready and
 * requests complete before keep-alives expire, the control window closes and new requests arrive,
 * so an arrival at a window's end belongs to the next window and finds a just-freed slot.
 */
record Event(
    double time, Kind kind, long sequence, Instance instance, int request, int generation) {

  enum Kind {
    READY,
    COMPLETE,
    EXPIRE,
    CONTROL,
    ARRIVAL
  }

  static final Comparator<Event> ORDER =
      Comparator.comparingDouble(Event::time)
          .thenComparing(Event::kind)
          .thenComparingLong(Event::sequence);
}
