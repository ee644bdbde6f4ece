package io.isthmus.agent.outbox;

/**
 * A snapshot of an outbox's state and counters since it was opened.
 *
 * @param depth records appended and not yet acknowledged (nor dropped)
 * @param bytes bytes of all segment files
 * @param oldestAgeMillis age of the oldest unacknowledged record, 0 when there is none
 * @param appended records appended
 * @param delivered records acknowledged
 * @param dropped unacknowledged records lost: deleted by {@link FullPolicy#DROP_OLDEST}, or
 *     unreadable after damage on disk
 * @param rejected appends refused by {@link FullPolicy#REJECT}
 * @param lastSequence the sequence of the last record appended (0 if none ever was)
 */
public record OutboxStats(
    long depth,
    long bytes,
    long oldestAgeMillis,
    long appended,
    long delivered,
    long dropped,
    long rejected,
    long lastSequence) {}
