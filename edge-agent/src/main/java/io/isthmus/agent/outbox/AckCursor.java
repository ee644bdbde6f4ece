package io.isthmus.agent.outbox;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable acknowledgement checkpoint, {@code ack.cursor}: the highest acknowledged sequence (8
 * bytes) and its CRC32C (4 bytes). It is replaced atomically (write a temporary file, sync, rename,
 * sync the folder), so after a crash it holds the old or the new value, never a mix.
 */
final class AckCursor {
  private static final Logger LOG = LoggerFactory.getLogger(AckCursor.class);
  static final String FILE = "ack.cursor";
  static final String TEMP = FILE + ".tmp";

  private final Path dir;
  private final boolean sync;

  AckCursor(Path dir, boolean sync) {
    this.dir = dir;
    this.sync = sync;
  }

  /**
   * The acknowledged sequence, 0 if nothing was ever acknowledged. A damaged file reads as 0 and is
   * logged: records are then delivered again rather than lost.
   */
  long read() throws IOException {
    Files.deleteIfExists(dir.resolve(TEMP));
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(dir.resolve(FILE));
    } catch (NoSuchFileException e) {
      return 0;
    }
    if (bytes.length == 12) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      long acked = buffer.getLong();
      if (crc(acked) == buffer.getInt() && acked >= 0) {
        return acked;
      }
    }
    LOG.warn(
        "Outbox acknowledgement cursor {} is damaged; delivering every stored record again",
        dir.resolve(FILE));
    return 0;
  }

  /** Records {@code acked} as the highest acknowledged sequence. */
  void write(long acked) throws IOException {
    Path temp = dir.resolve(TEMP);
    try (RandomAccessFile file = new RandomAccessFile(temp.toFile(), "rw")) {
      file.setLength(0);
      file.write(ByteBuffer.allocate(12).putLong(acked).putInt(crc(acked)).array());
      if (sync) {
        file.getFD().sync();
      }
    }
    Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    if (sync) {
      syncDirectory(dir);
    }
  }

  /** Makes renames and new files in {@code dir} durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static int crc(long value) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(8).putLong(value).array());
    return (int) crc.getValue();
  }
}
