package io.isthmus.agent.outbox;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One append-only segment file, {@code <first sequence, 20 digits>.seg}: an 8-byte header (magic
 * {@code ISOB}, format version) followed by records ({@link RecordFormat}) with consecutive
 * sequence numbers from the one in its name. Only the newest segment is open for writing; the older
 * ones are sealed. Writes go through {@link RandomAccessFile}, which, unlike a {@code FileChannel},
 * is not closed when a writing thread is interrupted.
 */
final class Segment {
  static final int HEADER_BYTES = 8;
  static final int MAGIC = 0x49534f42;
  static final int VERSION = 1;
  private static final String SUFFIX = ".seg";

  private final Path path;
  private final long base;
  private volatile long size;
  private volatile long lastSequence;
  private volatile RandomAccessFile writer;

  private Segment(Path path, long base, long size, long lastSequence, RandomAccessFile writer) {
    this.path = path;
    this.base = base;
    this.size = size;
    this.lastSequence = lastSequence;
    this.writer = writer;
  }

  /** Creates an empty segment whose first record will be {@code base}. */
  static Segment create(Path dir, long base) throws IOException {
    Path path = dir.resolve(String.format("%020d%s", base, SUFFIX));
    RandomAccessFile writer = new RandomAccessFile(path.toFile(), "rw");
    try {
      writer.setLength(0);
      writer.write(ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(VERSION).array());
    } catch (IOException e) {
      writer.close();
      throw e;
    }
    return new Segment(path, base, HEADER_BYTES, base - 1, writer);
  }

  /** A sealed segment holding {@code base..lastSequence}, as the next segment's name says. */
  static Segment sealed(Path path, long base, long lastSequence) throws IOException {
    return new Segment(path, base, Files.size(path), lastSequence, null);
  }

  /**
   * The newest segment after recovery, open for appending at {@code size}: bytes beyond it (a torn
   * record) are cut off first.
   */
  static Segment reopen(Path path, long base, long size, long lastSequence) throws IOException {
    RandomAccessFile writer = new RandomAccessFile(path.toFile(), "rw");
    try {
      if (writer.length() != size) {
        writer.setLength(size);
        writer.getFD().sync();
      }
      writer.seek(size);
    } catch (IOException e) {
      writer.close();
      throw e;
    }
    return new Segment(path, base, size, lastSequence, writer);
  }

  /** The first sequence number of the file named {@code name}, or -1 if it is not a segment. */
  static long baseOf(String name) {
    if (name.length() != 20 + SUFFIX.length() || !name.endsWith(SUFFIX)) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Appends one encoded record; the caller serializes appends. */
  void append(byte[] record, long sequence) throws IOException {
    try {
      writer.write(record);
    } catch (IOException e) {
      // e.g. a full disk: cut off the partial record so the next append starts on a boundary
      try {
        writer.setLength(size);
        writer.seek(size);
      } catch (IOException cut) {
        e.addSuppressed(cut);
      }
      throw e;
    }
    lastSequence = sequence;
    size += record.length; // published last: readers never look past it
  }

  /** Forces the written records to the disk; a no-op once sealed (sealing synced them). */
  void sync() throws IOException {
    RandomAccessFile file = writer;
    if (file == null) {
      return;
    }
    try {
      file.getFD().sync();
    } catch (IOException e) {
      if (writer != null) {
        throw e;
      }
    }
  }

  /** Stops writing to this segment, syncing it first if {@code sync}. */
  synchronized void seal(boolean sync) throws IOException {
    RandomAccessFile file = writer;
    if (file != null) {
      try {
        if (sync) {
          file.getFD().sync();
        }
      } finally {
        writer = null;
        file.close();
      }
    }
  }

  /** Seals and deletes the file. */
  void delete() throws IOException {
    seal(false);
    Files.deleteIfExists(path);
  }

  Path path() {
    return path;
  }

  long base() {
    return base;
  }

  /** Bytes of the header and the whole records written. */
  long size() {
    return size;
  }

  /** The sequence of the last record, {@code base - 1} while empty. */
  long lastSequence() {
    return lastSequence;
  }

  boolean isEmpty() {
    return lastSequence < base;
  }
}
