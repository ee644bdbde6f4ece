package io.isthmus.agent.outbox;

/** What {@link Outbox#append} does when the outbox holds {@link OutboxOptions#maxBytes()}. */
public enum FullPolicy {
  /**
   * Deletes the oldest segment (its unacknowledged records are counted as dropped and logged) to
   * make room: the newest data wins.
   */
  DROP_OLDEST,
  /**
   * Refuses the new record with an {@link OutboxFullException} (counted as rejected and logged once
   * per episode) until acknowledgements free space: the oldest data wins.
   */
  REJECT
}
