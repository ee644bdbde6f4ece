package io.isthmus.benchmarks.outbox;

import io.isthmus.agent.outbox.FsyncPolicy;
import io.isthmus.agent.outbox.Outbox;
import io.isthmus.agent.outbox.OutboxOptions;
import io.isthmus.agent.outbox.OutboxRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Replay of one million queued 256-byte records after a restart: open (recovery of the newest
 * segment), then poll every record in batches of 1,000, acknowledging each batch when {@code ack}
 * is true (which moves the durable cursor and deletes segments as they empty). The records are
 * written before each measured iteration; the files are in the page cache, as after a reconnect on
 * a running gateway.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class OutboxReplay {
  private static final int RECORDS = 1_000_000;

  @Param({"false", "true"})
  public boolean ack;

  private Path dir;
  private OutboxOptions options;

  @Setup(Level.Iteration)
  public void fill() throws IOException {
    dir = Files.createTempDirectory("outbox-replay");
    options =
        OutboxOptions.builder(dir, "bench")
            .fsyncPolicy(FsyncPolicy.ALWAYS)
            .segmentBytes(16L << 20)
            .maxBytes(1L << 30)
            .build();
    OutboxOptions writing =
        OutboxOptions.builder(dir, "bench")
            .fsyncPolicy(FsyncPolicy.NEVER)
            .segmentBytes(16L << 20)
            .maxBytes(1L << 30)
            .build();
    byte[] payload = new byte[256];
    try (Outbox outbox = Outbox.open(writing)) {
      for (int i = 0; i < RECORDS; i++) {
        outbox.append(payload);
      }
    }
  }

  @TearDown(Level.Iteration)
  public void delete() throws IOException {
    OutboxFiles.delete(dir);
  }

  @Benchmark
  public long replayAll(Blackhole sink) throws IOException {
    long count = 0;
    try (Outbox outbox = Outbox.open(options)) {
      for (List<OutboxRecord> batch = outbox.poll(1000);
          !batch.isEmpty();
          batch = outbox.poll(1000)) {
        sink.consume(batch);
        count += batch.size();
        if (ack) {
          outbox.ack(batch.get(batch.size() - 1).sequence());
        }
      }
    }
    if (count != RECORDS) {
      throw new IllegalStateException("Replayed " + count + " records, expected " + RECORDS);
    }
    return count;
  }
}
