package io.isthmus.agent.outbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an outbox folder back to a consistent state when it opens: finds the segments, scans the
 * newest one record by record and cuts off a torn tail (a record cut short or failing its CRC, left
 * by a crash mid-write), and makes sure the next sequence number is above both the last stored
 * record and the acknowledgement cursor, so no sequence is ever issued twice.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  /** The segments, oldest first (the last one open for appending), and the cursor's value. */
  record State(List<Segment> segments, long acked) {}

  private Recovery() {}

  static State run(OutboxOptions options, AckCursor cursor) throws IOException {
    Path dir = options.dir();
    Files.createDirectories(dir);
    long acked = cursor.read();
    TreeMap<Long, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        long base = Segment.baseOf(entry.getFileName().toString());
        if (base > 0) {
          files.put(base, entry);
        }
      }
    }
    List<Segment> segments = new ArrayList<>();
    for (Map.Entry<Long, Path> file : files.entrySet()) {
      Long next = files.higherKey(file.getKey());
      if (next != null) {
        segments.add(Segment.sealed(file.getValue(), file.getKey(), next - 1));
      } else {
        segments.add(repairNewest(file.getValue(), file.getKey(), options.maxRecordBytes()));
      }
    }
    if (segments.isEmpty()) {
      segments.add(Segment.create(dir, acked + 1));
      AckCursor.syncDirectory(dir);
    }
    Segment newest = segments.get(segments.size() - 1);
    if (acked > newest.lastSequence()) {
      // The cursor outlived records a power loss took (fsync never): continue above it.
      LOG.warn(
          "Outbox {}: acknowledged sequence {} is beyond the last stored record {}; continuing at {}",
          dir,
          acked,
          newest.lastSequence(),
          acked + 1);
      newest.seal(false);
      segments.add(Segment.create(dir, acked + 1));
      AckCursor.syncDirectory(dir);
    }
    return new State(segments, acked);
  }

  private static Segment repairNewest(Path path, long base, int maxRecordBytes) throws IOException {
    long length = Files.size(path);
    if (length < Segment.HEADER_BYTES) {
      LOG.warn("Outbox segment {} lost its header in a crash; starting it again", path);
      return Segment.create(path.getParent(), base);
    }
    long offset = Segment.HEADER_BYTES;
    long sequence = base;
    try (RecordReader reader = new RecordReader(maxRecordBytes)) {
      Segment probe = Segment.sealed(path, base, base - 1);
      RecordReader.Entry entry;
      while ((entry = reader.read(probe, offset, length, sequence, true)) != null) {
        offset = entry.next();
        sequence++;
      }
    }
    if (offset < length) {
      LOG.warn(
          "Outbox segment {}: cut off a torn tail of {} bytes after sequence {}",
          path,
          length - offset,
          sequence - 1);
    }
    return Segment.reopen(path, base, offset, sequence - 1);
  }
}
