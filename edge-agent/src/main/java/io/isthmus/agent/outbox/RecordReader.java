package io.isthmus.agent.outbox;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;

/**
 * Reads records of one segment at a time through a 64 KiB window, checking each against the format:
 * a record that is short, too long, out of sequence or fails its CRC reads as absent. It never
 * reads past the limit it is given, so it only ever caches bytes of whole records.
 */
final class RecordReader implements Closeable {
  private static final int WINDOW = 64 * 1024;

  /**
   * A record found at some offset.
   *
   * @param payload null when only the header was read
   * @param next the offset of the record after it
   */
  record Entry(long sequence, long appendedAtMillis, byte[] payload, long next) {}

  private final int maxRecordBytes;
  private final byte[] window = new byte[WINDOW];
  private Segment segment;
  private RandomAccessFile file;
  private long windowStart;
  private int windowLength;

  RecordReader(int maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * The record at {@code offset} of {@code segment} if it is whole, within {@code limit} and has
   * sequence {@code expected}; null otherwise.
   *
   * @param full read the payload and check the CRC too
   * @throws NoSuchFileException if the segment was deleted
   */
  Entry read(Segment segment, long offset, long limit, long expected, boolean full)
      throws IOException {
    open(segment);
    byte[] header = bytes(offset, RecordFormat.HEADER_BYTES, limit);
    if (header == null) {
      return null;
    }
    int at = header == window ? (int) (offset - windowStart) : 0;
    ByteBuffer fields = ByteBuffer.wrap(header, at, RecordFormat.HEADER_BYTES);
    int length = fields.getInt();
    int crc = fields.getInt();
    long sequence = fields.getLong();
    long appendedAt = fields.getLong();
    long next = offset + RecordFormat.HEADER_BYTES + length;
    if (length < 0 || length > maxRecordBytes || next > limit || sequence != expected) {
      return null;
    }
    if (!full) {
      return new Entry(sequence, appendedAt, null, next);
    }
    int recordBytes = RecordFormat.HEADER_BYTES + length;
    byte[] record = bytes(offset, recordBytes, limit);
    if (record == null) {
      return null;
    }
    int start = record == window ? (int) (offset - windowStart) : 0;
    if (RecordFormat.crc(record, start, recordBytes) != crc) {
      return null;
    }
    byte[] payload =
        Arrays.copyOfRange(record, start + RecordFormat.HEADER_BYTES, start + recordBytes);
    return new Entry(sequence, appendedAt, payload, next);
  }

  /** Forgets the open segment, e.g. before it is deleted. */
  @Override
  public void close() throws IOException {
    segment = null;
    windowLength = 0;
    if (file != null) {
      RandomAccessFile f = file;
      file = null;
      f.close();
    }
  }

  private void open(Segment wanted) throws IOException {
    if (segment == wanted) {
      return;
    }
    close();
    if (!wanted.path().toFile().exists()) {
      throw new NoSuchFileException(wanted.path().toString());
    }
    file = new RandomAccessFile(wanted.path().toFile(), "r");
    segment = wanted;
  }

  /**
   * {@code n} bytes at {@code offset}: the window itself when they fit in it (at offset minus the
   * window start), a new array otherwise; null if fewer than {@code n} bytes lie below limit.
   */
  private byte[] bytes(long offset, int n, long limit) throws IOException {
    if (offset + n > limit) {
      return null;
    }
    if (offset >= windowStart && offset + n <= windowStart + windowLength) {
      return window;
    }
    if (n > WINDOW) {
      byte[] large = new byte[n];
      file.seek(offset);
      file.readFully(large);
      return large;
    }
    file.seek(offset);
    int wanted = (int) Math.min(WINDOW, limit - offset);
    int got = 0;
    while (got < wanted) {
      int read = file.read(window, got, wanted - got);
      if (read < 0) {
        break;
      }
      got += read;
    }
    windowStart = offset;
    windowLength = got;
    return got >= n ? window : null;
  }
}
