package io.isthmus.agent.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.protocol.delivery.IdempotencyKey;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OutboxTest {
  @TempDir Path dir;

  @Test
  void pollReturnsRecordsInOrderWithTheirKeys() throws Exception {
    try (Outbox outbox = Outbox.open(options().build())) {
      for (int i = 1; i <= 10; i++) {
        assertThat(outbox.append(payload(i))).isEqualTo(i);
      }

      List<OutboxRecord> first = outbox.poll(4);
      List<OutboxRecord> rest = outbox.poll(100);

      assertThat(first).extracting(OutboxRecord::sequence).containsExactly(1L, 2L, 3L, 4L);
      assertThat(rest).extracting(OutboxRecord::sequence).containsExactlyElementsOf(seq(5, 10));
      assertThat(first.get(2).payload()).isEqualTo(payload(3));
      assertThat(first.get(2).key()).isEqualTo(new IdempotencyKey("gw-1", 3));
      assertThat(outbox.poll(10)).isEmpty();
    }
  }

  @Test
  void ackAdvancesDepthAndRewindRedeliversTheUnacknowledged() throws Exception {
    try (Outbox outbox = Outbox.open(options().build())) {
      for (int i = 1; i <= 10; i++) {
        outbox.append(payload(i));
      }
      outbox.poll(10);
      outbox.ack(6);

      outbox.rewind();

      assertThat(outbox.poll(100))
          .extracting(OutboxRecord::sequence)
          .containsExactlyElementsOf(seq(7, 10));
      assertThat(outbox.stats().depth()).isEqualTo(4);
      assertThat(outbox.stats().delivered()).isEqualTo(6);
      outbox.ack(3); // already acknowledged: no-op
      assertThat(outbox.stats().delivered()).isEqualTo(6);
    }
  }

  @ParameterizedTest
  @EnumSource(FsyncPolicy.class)
  void afterRestartDeliveryResumesAtTheFirstUnacknowledgedAndSequencesContinue(FsyncPolicy policy)
      throws Exception {
    OutboxOptions options =
        options().fsyncPolicy(policy).segmentBytes(4096).maxBytes(1 << 20).build();
    try (Outbox outbox = Outbox.open(options)) {
      for (int i = 1; i <= 30; i++) {
        outbox.append(payload(i, 300));
      }
      outbox.poll(20);
      outbox.ack(17);
    }

    try (Outbox outbox = Outbox.open(options)) {
      List<OutboxRecord> records = outbox.poll(100);
      assertThat(records).extracting(OutboxRecord::sequence).containsExactlyElementsOf(seq(18, 30));
      assertThat(records.get(0).payload()).isEqualTo(payload(18, 300));
      assertThat(outbox.append(payload(31))).isEqualTo(31);
      assertThat(outbox.stats().depth()).isEqualTo(14);
    }
  }

  @Test
  void sequencesContinueAfterEverythingWasAcknowledgedAndDeleted() throws Exception {
    OutboxOptions options = options().segmentBytes(4096).build();
    try (Outbox outbox = Outbox.open(options)) {
      for (int i = 1; i <= 40; i++) {
        outbox.append(payload(i, 500));
      }
      outbox.ack(40);
      assertThat(segmentFiles()).hasSize(1); // only the one being written stays
    }
    try (Outbox outbox = Outbox.open(options)) {
      assertThat(outbox.append(payload(41))).isEqualTo(41);
      assertThat(outbox.poll(10)).extracting(OutboxRecord::sequence).containsExactly(41L);
    }
  }

  @Test
  void segmentsRollAtTheirSizeAndAcknowledgedOnesAreDeleted() throws Exception {
    try (Outbox outbox = Outbox.open(options().segmentBytes(4096).build())) {
      for (int i = 1; i <= 40; i++) {
        outbox.append(payload(i, 1000));
      }
      // 3 records of 1024 bytes fit in a 4096-byte segment after its 8-byte header
      assertThat(segmentFiles()).hasSize(14);
      assertThat(segmentFiles().get(1).getFileName().toString())
          .isEqualTo("00000000000000000004.seg");
      assertThat(outbox.stats().bytes()).isEqualTo(totalSize());

      outbox.ack(10);

      assertThat(segmentFiles()).hasSize(11); // 1..3, 4..6, 7..9 gone; 10..12 holds 11 and 12
      assertThat(outbox.stats().bytes()).isEqualTo(totalSize());
      assertThat(outbox.poll(1).get(0).sequence()).isEqualTo(11);
    }
  }

  @Test
  void aTornTailIsCutOffAndTheNextAppendReusesOnlyItsSequence() throws Exception {
    OutboxOptions options = options().build();
    try (Outbox outbox = Outbox.open(options)) {
      for (int i = 1; i <= 5; i++) {
        outbox.append(payload(i));
      }
    }
    Path segment = segmentFiles().get(0);
    long whole = Files.size(segment);
    byte[] torn = RecordFormat.encode(6, 0, payload(6));
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      file.seek(whole);
      file.write(torn, 0, torn.length - 3); // the crash came mid-record
    }

    try (Outbox outbox = Outbox.open(options)) {
      assertThat(Files.size(segment)).isEqualTo(whole);
      assertThat(outbox.poll(100))
          .extracting(OutboxRecord::sequence)
          .containsExactlyElementsOf(seq(1, 5));
      assertThat(outbox.append(payload(60))).isEqualTo(6);
      assertThat(outbox.poll(100).get(0).payload()).isEqualTo(payload(60));
    }
  }

  @Test
  void aLastRecordFailingItsCrcIsCutOff() throws Exception {
    OutboxOptions options = options().build();
    try (Outbox outbox = Outbox.open(options)) {
      for (int i = 1; i <= 5; i++) {
        outbox.append(payload(i));
      }
    }
    Path segment = segmentFiles().get(0);
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
      file.seek(file.length() - 2);
      file.write('#');
    }

    try (Outbox outbox = Outbox.open(options)) {
      assertThat(outbox.poll(100))
          .extracting(OutboxRecord::sequence)
          .containsExactlyElementsOf(seq(1, 4));
      assertThat(outbox.stats().lastSequence()).isEqualTo(4);
    }
  }

  @Test
  void aDamagedOlderSegmentIsSkippedAndItsLostRecordsCounted() throws Exception {
    OutboxOptions options = options().segmentBytes(4096).build();
    try (Outbox outbox = Outbox.open(options)) {
      for (int i = 1; i <= 9; i++) {
        outbox.append(payload(i, 1000));
      }
    }
    try (RandomAccessFile file = new RandomAccessFile(segmentFiles().get(0).toFile(), "rw")) {
      file.seek(Segment.HEADER_BYTES + 1024 + 500); // inside record 2's payload
      file.write('#');
    }

    try (Outbox outbox = Outbox.open(options)) {
      List<OutboxRecord> records = outbox.poll(100);
      assertThat(records)
          .extracting(OutboxRecord::sequence)
          .containsExactly(1L, 4L, 5L, 6L, 7L, 8L, 9L);
      outbox.ack(9);
      assertThat(outbox.stats().delivered()).isEqualTo(7);
      assertThat(outbox.stats().dropped()).isEqualTo(2);
    }
  }

  @Test
  void dropOldestKeepsTheQuotaAndCountsWhatItDropped() throws Exception {
    OutboxOptions options =
        options().segmentBytes(4096).maxBytes(8192).fullPolicy(FullPolicy.DROP_OLDEST).build();
    try (Outbox outbox = Outbox.open(options)) {
      for (int i = 1; i <= 40; i++) {
        assertThat(outbox.append(payload(i, 1000))).isEqualTo(i);
        assertThat(totalSize()).isLessThanOrEqualTo(8192);
      }
      OutboxStats stats = outbox.stats();
      List<OutboxRecord> left = outbox.poll(100);

      assertThat(left.get(left.size() - 1).sequence()).isEqualTo(40);
      assertThat(left)
          .extracting(OutboxRecord::sequence)
          .containsExactlyElementsOf(seq(left.get(0).sequence(), 40));
      assertThat(stats.dropped()).isEqualTo(left.get(0).sequence() - 1).isPositive();
      assertThat(stats.depth()).isEqualTo(left.size());
      assertThat(stats.bytes()).isEqualTo(totalSize());
    }
  }

  @Test
  void rejectRefusesNewRecordsUntilAcknowledgementsFreeSpace() throws Exception {
    OutboxOptions options =
        options().segmentBytes(4096).maxBytes(8192).fullPolicy(FullPolicy.REJECT).build();
    try (Outbox outbox = Outbox.open(options)) {
      int accepted = 0;
      OutboxFullException full = null;
      while (full == null) {
        try {
          outbox.append(payload(accepted + 1, 1000));
          accepted++;
        } catch (OutboxFullException e) {
          full = e;
        }
      }
      assertThat(accepted).isEqualTo(7); // 3 + 3 in two sealed segments, 1 more in the third
      assertThat(full.maxBytes()).isEqualTo(8192);
      assertThat(full).hasMessageContaining("the record was rejected");
      assertThatThrownBy(() -> outbox.append(payload(0, 1000)))
          .isInstanceOf(OutboxFullException.class);
      assertThat(outbox.stats().rejected()).isEqualTo(2);
      assertThat(outbox.stats().dropped()).isZero();

      outbox.ack(3);

      assertThat(outbox.append(payload(8, 1000))).isEqualTo(8);
      assertThat(outbox.poll(100))
          .extracting(OutboxRecord::sequence)
          .containsExactlyElementsOf(seq(4, 8));
    }
  }

  @Test
  void oversizedRecordsAndUnknownAcknowledgementsAreRefused() throws Exception {
    try (Outbox outbox = Outbox.open(options().maxRecordBytes(100).segmentBytes(4096).build())) {
      outbox.append(payload(1));
      assertThatThrownBy(() -> outbox.append(new byte[101]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("exceeds maxRecordBytes 100");
      assertThatThrownBy(() -> outbox.ack(2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("the last appended is 1");
    }
  }

  @Test
  void everyCallAfterCloseFails() throws Exception {
    Outbox outbox = Outbox.open(options().build());
    outbox.close();
    outbox.close();
    assertThatThrownBy(() -> outbox.append(payload(1))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> outbox.poll(1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> outbox.ack(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void manyAppendersAndOneDelivererSeeEveryRecordOnceInOrder() throws Exception {
    int threads = 4;
    int perThread = 500;
    try (Outbox outbox = Outbox.open(options().segmentBytes(16 * 1024).maxBytes(1 << 22).build())) {
      List<Thread> appenders = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread appender =
            new Thread(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    try {
                      outbox.append((id + ":" + i).getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                      throw new IllegalStateException(e);
                    }
                  }
                });
        appender.start();
        appenders.add(appender);
      }
      List<OutboxRecord> delivered = new ArrayList<>();
      while (delivered.size() < threads * perThread) {
        List<OutboxRecord> batch = outbox.poll(64);
        if (!batch.isEmpty()) {
          delivered.addAll(batch);
          outbox.ack(batch.get(batch.size() - 1).sequence());
        }
      }
      for (Thread appender : appenders) {
        appender.join();
      }

      assertThat(delivered)
          .extracting(OutboxRecord::sequence)
          .containsExactlyElementsOf(seq(1, threads * perThread));
      int[] next = new int[threads];
      for (OutboxRecord r : delivered) {
        String[] parts = new String(r.payload(), StandardCharsets.UTF_8).split(":");
        int t = Integer.parseInt(parts[0]);
        assertThat(Integer.parseInt(parts[1])).isEqualTo(next[t]++); // each thread's order kept
      }
      assertThat(outbox.stats().depth()).isZero();
      assertThat(outbox.stats().delivered()).isEqualTo(threads * perThread);
    }
  }

  private OutboxOptions.Builder options() {
    return OutboxOptions.builder(dir, "gw-1");
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".seg")).sorted().toList();
    }
  }

  private long totalSize() throws IOException {
    long total = 0;
    for (Path file : segmentFiles()) {
      total += Files.size(file);
    }
    return total;
  }

  static byte[] payload(int i) {
    return ("record-" + i).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] payload(int i, int size) {
    byte[] bytes = new byte[size];
    for (int k = 0; k < size; k++) {
      bytes[k] = (byte) (i * 31 + k);
    }
    return bytes;
  }

  private static List<Long> seq(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}
