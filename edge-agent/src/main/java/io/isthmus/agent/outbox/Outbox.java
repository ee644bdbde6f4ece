package io.isthmus.agent.outbox;

import io.isthmus.protocol.delivery.Deduplicator;
import io.isthmus.protocol.delivery.IdempotencyKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable store-and-forward queue for what a gateway sends to the cloud: records are appended to
 * segment files on disk, read back in order by one delivering thread, and deleted once the cloud
 * has acknowledged them, so results survive an agent killed or a link down for hours.
 *
 * <p>Guarantees: {@link #append} returns a sequence number that grows by one per record and is
 * never reused, across restarts too; once it returns the record survives a killed process, and
 * under {@link FsyncPolicy#ALWAYS} a power loss as well. Delivery is at least once and in order:
 * after a restart, or {@link #rewind()}, delivery starts again at the oldest unacknowledged record,
 * so the consumer drops duplicates by {@link IdempotencyKey} ({@link Deduplicator}). The disk use
 * stays within {@link OutboxOptions#maxBytes()}; when full, {@link FullPolicy} decides. A crash
 * mid-write leaves at most one torn record, which the next {@link #open} cuts off.
 *
 * <p>Thread-safe for any number of appending threads and one delivering thread calling {@link
 * #poll}, {@link #ack} and {@link #rewind}. All methods block on disk I/O: call them from worker
 * threads, never from an event loop. After {@link #close()} they throw {@link
 * IllegalStateException}.
 */
public final class Outbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  /** Where a record is: its segment, its byte offset there, and its sequence. */
  private record Position(Segment segment, long offset, long sequence) {}

  private final OutboxOptions options;
  private final AckCursor cursor;
  private final Durability durability;
  private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
  // Lock order: writeLock before deliveryLock (Durability's sync lock before both).
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock deliveryLock = new ReentrantLock();
  private final RecordReader deliveryReader;
  private final RecordReader ackReader;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong appended = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  private volatile Segment active; // written under writeLock
  private volatile long lastWritten; // written under writeLock
  private volatile long firstUnacked; // written under deliveryLock
  private volatile boolean closed;
  private boolean rejecting; // writeLock
  private Position ackPosition; // deliveryLock: the record firstUnacked
  private Position readPosition; // deliveryLock: the next record poll returns
  private long oldestAppendedAt = -1; // deliveryLock: of firstUnacked, -1 until read

  private Outbox(OutboxOptions options, AckCursor cursor, Recovery.State state) throws IOException {
    this.options = options;
    this.cursor = cursor;
    this.deliveryReader = new RecordReader(options.maxRecordBytes());
    this.ackReader = new RecordReader(options.maxRecordBytes());
    for (Segment segment : state.segments()) {
      segments.put(segment.base(), segment);
      bytes.addAndGet(segment.size());
    }
    active = segments.lastEntry().getValue();
    lastWritten = active.lastSequence();
    long first = Math.max(state.acked() + 1, segments.firstKey());
    ackPosition = walk(start(segments.floorEntry(first).getValue()), first, new long[1]);
    readPosition = ackPosition;
    firstUnacked = ackPosition.sequence();
    deleteAcknowledgedSegments();
    durability = new Durability(options, this::head, lastWritten);
  }

  /**
   * Opens (or creates) the outbox in {@link OutboxOptions#dir()}, recovering from a crash: a torn
   * last record is cut off, sequence numbering continues after the last stored or acknowledged
   * record, and delivery starts at the oldest unacknowledged one.
   *
   * @throws IOException if the folder cannot be created, read or repaired
   */
  public static Outbox open(OutboxOptions options) throws IOException {
    AckCursor cursor = new AckCursor(options.dir(), options.fsyncPolicy() != FsyncPolicy.NEVER);
    Outbox outbox = new Outbox(options, cursor, Recovery.run(options, cursor));
    LOG.info(
        "Outbox {} open: {} records pending, next sequence {}, fsync {}, when full {}",
        options.dir(),
        outbox.stats().depth(),
        outbox.lastWritten + 1,
        options.fsyncPolicy(),
        options.fullPolicy());
    return outbox;
  }

  public OutboxOptions options() {
    return options;
  }

  /**
   * Appends {@code payload} and returns its sequence number; the record is durable as the {@link
   * FsyncPolicy} says when this returns.
   *
   * @throws OutboxFullException if the quota is reached under {@link FullPolicy#REJECT}
   * @throws IllegalArgumentException if the payload is larger than {@link
   *     OutboxOptions#maxRecordBytes()}
   * @throws IOException if writing fails (e.g. the disk is full); nothing was appended
   */
  public long append(byte[] payload) throws IOException {
    Objects.requireNonNull(payload, "payload");
    if (payload.length > options.maxRecordBytes()) {
      throw new IllegalArgumentException(
          "Outbox record of "
              + payload.length
              + " bytes exceeds maxRecordBytes "
              + options.maxRecordBytes());
    }
    long recordBytes = RecordFormat.HEADER_BYTES + (long) payload.length;
    long sequence;
    writeLock.lock();
    try {
      ensureOpen();
      makeRoom(recordBytes);
      if (!active.isEmpty() && active.size() + recordBytes > options.segmentBytes()) {
        roll();
      }
      sequence = lastWritten + 1;
      active.append(RecordFormat.encode(sequence, options.clock().millis(), payload), sequence);
      bytes.addAndGet(recordBytes);
      lastWritten = sequence;
      appended.incrementAndGet();
      if (rejecting) {
        rejecting = false;
        LOG.info("Outbox {} accepts records again", options.dir());
      }
    } finally {
      writeLock.unlock();
    }
    durability.awaitDurable(sequence);
    return sequence;
  }

  /**
   * Up to {@code max} records after the last one polled, in sequence order; empty when delivery has
   * caught up. Records stay in the outbox until {@link #ack acknowledged}.
   *
   * @throws IllegalArgumentException if {@code max < 1}
   * @throws IOException if a segment cannot be read
   */
  public List<OutboxRecord> poll(int max) throws IOException {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    List<OutboxRecord> records = new ArrayList<>(Math.min(max, 1024));
    deliveryLock.lock();
    try {
      ensureOpen();
      Position p = readPosition;
      while (records.size() < max && p.sequence() <= lastWritten) {
        Segment segment = p.segment();
        RecordReader.Entry entry =
            deliveryReader.read(segment, p.offset(), segment.size(), p.sequence(), true);
        if (entry == null) {
          Position next = nextSegment(p);
          if (next == null) {
            LOG.error("Outbox {}: record {} is unreadable", options.dir(), p.sequence());
            break;
          }
          p = next;
          continue;
        }
        records.add(
            new OutboxRecord(
                new IdempotencyKey(options.gatewayId(), entry.sequence()),
                entry.appendedAtMillis(),
                entry.payload()));
        p = new Position(segment, entry.next(), p.sequence() + 1);
      }
      readPosition = p;
    } finally {
      deliveryLock.unlock();
    }
    return records;
  }

  /**
   * Makes the next {@link #poll} start again at the oldest unacknowledged record, e.g. after a
   * delivery failed or the link came back.
   */
  public void rewind() {
    deliveryLock.lock();
    try {
      ensureOpen();
      readPosition = ackPosition;
    } finally {
      deliveryLock.unlock();
    }
  }

  /**
   * Rewinds and hands every stored unacknowledged record to {@code consumer}, in order.
   *
   * @return how many records it handed over
   */
  public long replay(Consumer<OutboxRecord> consumer) throws IOException {
    rewind();
    long count = 0;
    for (List<OutboxRecord> batch = poll(1024); !batch.isEmpty(); batch = poll(1024)) {
      batch.forEach(consumer);
      count += batch.size();
    }
    return count;
  }

  /**
   * Acknowledges every record up to and including {@code sequence}: the cursor moves durably (as
   * the fsync policy says) and segments holding only acknowledged records are deleted.
   * Acknowledging an already acknowledged sequence is a no-op.
   *
   * @throws IllegalArgumentException if {@code sequence} was never appended
   * @throws IOException if the cursor cannot be written
   */
  public void ack(long sequence) throws IOException {
    deliveryLock.lock();
    try {
      ensureOpen();
      if (sequence < firstUnacked) {
        return;
      }
      if (sequence > lastWritten) {
        throw new IllegalArgumentException(
            "Cannot acknowledge sequence " + sequence + ": the last appended is " + lastWritten);
      }
      Position from = ackPosition;
      long[] lost = new long[1];
      Position to = walk(from, sequence + 1, lost);
      delivered.addAndGet(to.sequence() - from.sequence() - lost[0]);
      dropped.addAndGet(lost[0]);
      moveAckPosition(to);
      if (readPosition.sequence() < to.sequence()) {
        readPosition = to;
      }
      cursor.write(to.sequence() - 1);
    } finally {
      deliveryLock.unlock();
    }
    deleteAcknowledgedSegments();
  }

  /** Current depth, size, age and counters; never throws, also after close. */
  public OutboxStats stats() {
    long oldestAge = 0;
    deliveryLock.lock();
    try {
      if (!closed && firstUnacked <= lastWritten) {
        if (oldestAppendedAt < 0) {
          oldestAppendedAt = readAppendedAt(ackPosition);
        }
        if (oldestAppendedAt >= 0) {
          oldestAge = Math.max(0, options.clock().millis() - oldestAppendedAt);
        }
      }
    } finally {
      deliveryLock.unlock();
    }
    return new OutboxStats(
        Math.max(0, lastWritten - firstUnacked + 1),
        bytes.get(),
        oldestAge,
        appended.get(),
        delivered.get(),
        dropped.get(),
        rejected.get(),
        lastWritten);
  }

  /** Syncs what was written (unless the policy is never) and releases the files. Idempotent. */
  @Override
  public void close() throws IOException {
    durability.close();
    writeLock.lock();
    deliveryLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try (deliveryReader;
          ackReader) {
        active.seal(durability.syncs());
      }
    } finally {
      deliveryLock.unlock();
      writeLock.unlock();
    }
  }

  private void makeRoom(long recordBytes) throws IOException {
    while (bytes.get() + recordBytes > options.maxBytes()) {
      if (options.fullPolicy() == FullPolicy.REJECT) {
        rejected.incrementAndGet();
        OutboxFullException full =
            new OutboxFullException(bytes.get(), recordBytes, options.maxBytes());
        if (!rejecting) {
          rejecting = true;
          LOG.warn(
              "Outbox {}: {}; logged once until it accepts again",
              options.dir(),
              full.getMessage());
        }
        throw full;
      }
      Segment oldest = segments.firstEntry().getValue();
      if (oldest == active) {
        if (active.isEmpty()) {
          return; // cannot happen with validated options: one segment always fits
        }
        roll();
        continue;
      }
      dropOldest(oldest);
    }
  }

  private void dropOldest(Segment oldest) throws IOException {
    deliveryLock.lock();
    try {
      long lost = oldest.lastSequence() - Math.max(oldest.base(), firstUnacked) + 1;
      forget(oldest);
      if (lost > 0) {
        dropped.addAndGet(lost);
        LOG.warn(
            "Outbox {} full ({} bytes): dropped {} unacknowledged records, sequences {}..{}",
            options.dir(),
            options.maxBytes(),
            lost,
            oldest.lastSequence() - lost + 1,
            oldest.lastSequence());
      }
    } finally {
      deliveryLock.unlock();
    }
  }

  private void roll() throws IOException {
    Segment sealed = active;
    sealed.seal(durability.syncs());
    durability.sealed(sealed.lastSequence());
    Segment next = Segment.create(options.dir(), sealed.lastSequence() + 1);
    if (durability.syncs()) {
      AckCursor.syncDirectory(options.dir());
    }
    segments.put(next.base(), next);
    bytes.addAndGet(next.size());
    active = next;
  }

  private Durability.Head head() {
    writeLock.lock();
    try {
      return new Durability.Head(active, lastWritten);
    } finally {
      writeLock.unlock();
    }
  }

  private void deleteAcknowledgedSegments() throws IOException {
    writeLock.lock();
    deliveryLock.lock();
    try {
      for (Segment segment : segments.values()) {
        if (segment == active || segment.lastSequence() >= firstUnacked) {
          break;
        }
        forget(segment);
      }
    } finally {
      deliveryLock.unlock();
      writeLock.unlock();
    }
  }

  /** Deletes the oldest segment, moving positions in it to the next one. Holds both locks. */
  private void forget(Segment segment) throws IOException {
    segments.remove(segment.base());
    Position first = start(segments.firstEntry().getValue());
    if (ackPosition.segment() == segment) {
      moveAckPosition(first);
    }
    if (readPosition.segment() == segment) {
      readPosition = first;
    }
    bytes.addAndGet(-segment.size());
    segment.delete();
  }

  private void moveAckPosition(Position to) {
    if (to.sequence() != ackPosition.sequence()) {
      oldestAppendedAt = -1;
    }
    ackPosition = to;
    firstUnacked = to.sequence();
  }

  /**
   * Walks record headers from {@code from} to the position of sequence {@code target}, crossing
   * into later segments; sequences it cannot read (damaged records) are added to {@code lost}.
   */
  private Position walk(Position from, long target, long[] lost) throws IOException {
    Position p = from;
    while (p.sequence() < target) {
      Segment segment = p.segment();
      // CRC-checked like poll, so a record poll skipped as damaged counts as lost here too
      RecordReader.Entry entry =
          ackReader.read(segment, p.offset(), segment.size(), p.sequence(), true);
      if (entry == null) {
        Position next = nextSegment(p);
        if (next == null) {
          break;
        }
        lost[0] += next.sequence() - p.sequence();
        p = next;
      } else {
        p = new Position(segment, entry.next(), p.sequence() + 1);
      }
    }
    if (p.offset() >= p.segment().size()) {
      Position next = nextSegment(p);
      if (next != null && next.sequence() == p.sequence()) {
        p = next; // at the end of a sealed segment: the record is the next segment's first
      }
    }
    return p;
  }

  /** The start of the segment after {@code p}'s, logging records skipped on the way; or null. */
  private Position nextSegment(Position p) {
    Map.Entry<Long, Segment> next = segments.higherEntry(p.segment().base());
    if (next == null) {
      return null;
    }
    if (next.getKey() > p.sequence()) {
      LOG.error(
          "Outbox segment {} is damaged: records {}..{} cannot be read and are skipped",
          p.segment().path(),
          p.sequence(),
          next.getKey() - 1);
    }
    return start(next.getValue());
  }

  private long readAppendedAt(Position p) {
    try {
      RecordReader.Entry entry =
          ackReader.read(p.segment(), p.offset(), p.segment().size(), p.sequence(), false);
      return entry == null ? -1 : entry.appendedAtMillis();
    } catch (IOException e) {
      LOG.warn("Outbox {}: cannot read record {} for its age", options.dir(), p.sequence(), e);
      return -1;
    }
  }

  private static Position start(Segment segment) {
    return new Position(segment, Segment.HEADER_BYTES, segment.base());
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Outbox " + options.dir() + " is closed");
    }
  }
}
