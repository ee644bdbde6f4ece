package io.isthmus.sim.load;

/** The arrival times of one run, in order. Not thread-safe. */
public interface ArrivalSchedule {

  /** Returned by {@link #nextNanos()} when the run has no more arrivals. */
  long END = -1;

  /** The next arrival, nanoseconds after the start of the run, or {@link #END}. */
  long nextNanos();

  /** Counts the remaining arrivals (consumes the schedule); for tests and reports. */
  default long drainCount() {
    long n = 0;
    while (nextNanos() != END) {
      n++;
    }
    return n;
  }
}
