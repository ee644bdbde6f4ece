package io.isthmus.agent.outbox;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of one record, big-endian:
 *
 * <pre>
 *  0  int   payload length
 *  4  int   CRC32C of bytes 0-3 and 8 to the end
 *  8  long  sequence
 * 16  long  appended at, epoch milliseconds
 * 24  byte[length] payload
 * </pre>
 *
 * A torn write (a crash mid-record) leaves a short record or one whose CRC fails; readers stop
 * there.
 */
final class RecordFormat {
  static final int HEADER_BYTES = 24;

  private RecordFormat() {}

  /** The record's bytes, ready to write. */
  static byte[] encode(long sequence, long appendedAtMillis, byte[] payload) {
    ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + payload.length);
    record
        .putInt(payload.length)
        .putInt(0)
        .putLong(sequence)
        .putLong(appendedAtMillis)
        .put(payload);
    record.putInt(4, crc(record.array(), 0, record.capacity()));
    return record.array();
  }

  /** The CRC of a whole record's bytes at {@code offset}, skipping its CRC field. */
  static int crc(byte[] bytes, int offset, int recordBytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, 4);
    crc.update(bytes, offset + 8, recordBytes - 8);
    return (int) crc.getValue();
  }
}
