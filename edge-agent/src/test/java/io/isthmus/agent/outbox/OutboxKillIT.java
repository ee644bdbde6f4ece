package io.isthmus.agent.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.protocol.delivery.Deduplicator;
import io.isthmus.protocol.delivery.IdempotencyKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that appends to and delivers from an outbox with SIGKILL at random moments, 20
 * times, and checks after each restart that the outbox opens, holds every record whose append had
 * returned and was not yet acknowledged, and that in the end the consumer, after deduplication, has
 * received every appended record exactly once and in sequence order.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class OutboxKillIT {
  private static final int RUNS = 20;

  @TempDir Path dir;

  /** What the cloud side received, deduplicated. */
  private final Deduplicator dedup = new Deduplicator();

  private final List<Long> receivedInOrder = new ArrayList<>();
  private final Map<Long, String> receivedPayloads = new HashMap<>();
  private final Map<Long, String> appended = new HashMap<>();

  @Test
  void everyAppendedRecordArrivesExactlyOnceAcrossKills() throws Exception {
    Random random = new Random(42);
    long redelivered = 0;
    for (int run = 0; run < RUNS; run++) {
      Process child = startChild("r" + run);
      // read stdout while it runs, to its end after the kill
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      CountDownLatch writing = new CountDownLatch(1);
      Thread reader = new Thread(() -> copy(child.getInputStream(), stdout, writing));
      reader.start();
      // JVM start-up takes long on a loaded machine: kill at a random moment after the first output
      assertThat(writing.await(60, TimeUnit.SECONDS)).as("child started writing").isTrue();
      Thread.sleep(random.nextInt(400));
      // SIGKILL on Linux; through the handle, so our end of the pipe stays open to be drained
      assertThat(child.toHandle().destroyForcibly()).isTrue();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      reader.join();
      redelivered += consume(stdout.toString(StandardCharsets.UTF_8));

      try (Outbox outbox = Outbox.open(options())) {
        OutboxStats stats = outbox.stats();
        long firstUnacked = stats.lastSequence() - stats.depth() + 1;
        List<Long> stored = new ArrayList<>();
        outbox.replay(r -> stored.add(r.sequence()));
        // contiguous from the first unacknowledged record to the last stored one
        assertThat(stored).isEqualTo(range(firstUnacked, stats.lastSequence()));
        for (Map.Entry<Long, String> a : appended.entrySet()) {
          if (a.getKey() < firstUnacked) {
            assertThat(receivedPayloads).containsEntry(a.getKey(), a.getValue()); // acked => got
          } else {
            assertThat(stored).contains(a.getKey()); // returned from append => still stored
          }
        }
      }
    }

    try (Outbox outbox = Outbox.open(options())) {
      List<OutboxRecord> rest = new ArrayList<>();
      outbox.replay(rest::add);
      for (OutboxRecord r : rest) {
        receive(r.sequence(), new String(r.payload(), StandardCharsets.UTF_8));
      }
      if (!rest.isEmpty()) {
        outbox.ack(rest.get(rest.size() - 1).sequence());
      }
      assertThat(outbox.stats().depth()).isZero();
    }

    assertThat(appended).hasSizeGreaterThan(RUNS);
    assertThat(receivedInOrder).isEqualTo(range(1, receivedInOrder.size()));
    for (Map.Entry<Long, String> a : appended.entrySet()) {
      assertThat(receivedPayloads).containsEntry(a.getKey(), a.getValue());
    }
    System.out.printf(
        "%d runs: %d records appended, %d received, %d duplicates dropped%n",
        RUNS, appended.size(), receivedInOrder.size(), redelivered);
  }

  /** Reads the child's complete lines; returns how many deliveries were duplicates. */
  private long consume(String stdout) {
    long duplicates = 0;
    int end = stdout.lastIndexOf('\n');
    for (String line : stdout.substring(0, end + 1).split("\n")) {
      String[] parts = line.split(" ");
      if (parts.length != 3) {
        continue;
      }
      long sequence = Long.parseLong(parts[1]);
      if (parts[0].equals("A")) {
        assertThat(appended.put(sequence, parts[2]))
            .as("sequence %d issued twice", sequence)
            .isNull();
      } else if (parts[0].equals("D") && !receive(sequence, parts[2])) {
        duplicates++;
      }
    }
    return duplicates;
  }

  private boolean receive(long sequence, String payload) {
    if (!dedup.firstSeen(new IdempotencyKey("gw-kill", sequence))) {
      assertThat(receivedPayloads).containsEntry(sequence, payload); // a true duplicate
      return false;
    }
    receivedInOrder.add(sequence);
    receivedPayloads.put(sequence, payload);
    return true;
  }

  private static void copy(InputStream in, ByteArrayOutputStream out, CountDownLatch started) {
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        synchronized (out) {
          out.write(buffer, 0, n);
        }
        started.countDown();
      }
    } catch (IOException e) {
      // the stream closes when the process is destroyed: what was read is complete lines or a torn
      // one
    }
  }

  private Process startChild(String run) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return new ProcessBuilder(
            java,
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-Xmx64m",
            "-cp",
            classpath,
            OutboxWriterProcess.class.getName(),
            dir.toString(),
            run)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private OutboxOptions options() {
    return OutboxOptions.builder(dir, "gw-kill")
        .segmentBytes(16 * 1024)
        .maxBytes(64L << 20)
        .build();
  }

  private static List<Long> range(long from, long to) {
    List<Long> list = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      list.add(s);
    }
    return list;
  }
}
