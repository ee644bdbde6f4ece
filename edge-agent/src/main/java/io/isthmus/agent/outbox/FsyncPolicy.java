package io.isthmus.agent.outbox;

/**
 * When appended records are forced to the disk. Every policy writes each record to the operating
 * system before {@link Outbox#append} returns, so all of them survive a killed agent process; they
 * differ in what a power loss or kernel crash can take.
 */
public enum FsyncPolicy {
  /**
   * {@code append} returns after the record is on the disk. Appends that arrive while a sync is
   * running share the next one (group commit), so many threads pay for few syncs.
   */
  ALWAYS,
  /**
   * A background thread syncs every {@link OutboxOptions#fsyncInterval()}; a power loss can take
   * the records of the last interval.
   */
  INTERVAL,
  /** The operating system writes back when it likes (Linux: within about 30 s). */
  NEVER
}
