package io.isthmus.benchmarks.outbox;

import io.isthmus.agent.outbox.FsyncPolicy;
import io.isthmus.agent.outbox.FullPolicy;
import io.isthmus.agent.outbox.Outbox;
import io.isthmus.agent.outbox.OutboxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Outbox append throughput under each fsync policy, from one thread and from four (where {@code
 * ALWAYS} shares syncs between concurrent appends). Records are 256-byte payloads; the quota drops
 * the oldest segments so the disk does not fill during long runs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class OutboxAppend {
  @Param({"ALWAYS", "INTERVAL", "NEVER"})
  public FsyncPolicy policy;

  @Param({"256"})
  public int payloadBytes;

  private Path dir;
  private Outbox outbox;
  private byte[] payload;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("outbox-bench");
    outbox =
        Outbox.open(
            OutboxOptions.builder(dir, "bench")
                .fsyncPolicy(policy)
                .segmentBytes(16L << 20)
                .maxBytes(512L << 20)
                .fullPolicy(FullPolicy.DROP_OLDEST)
                .build());
    payload = new byte[payloadBytes];
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    outbox.close();
    OutboxFiles.delete(dir);
  }

  @Benchmark
  @Threads(1)
  public long oneThread() throws IOException {
    return outbox.append(payload);
  }

  @Benchmark
  @Threads(4)
  public long fourThreads() throws IOException {
    return outbox.append(payload);
  }
}
