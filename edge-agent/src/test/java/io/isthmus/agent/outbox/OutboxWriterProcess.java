package io.isthmus.agent.outbox;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link OutboxKillIT}: two threads append records under fsync=always and
 * print {@code A <sequence> <payload>} once {@code append} has returned; a third delivers, printing
 * {@code D <sequence> <payload>} for each record before acknowledging it. It runs until killed.
 */
public final class OutboxWriterProcess {
  private OutboxWriterProcess() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String run = args[1];
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Outbox outbox =
        Outbox.open(
            OutboxOptions.builder(dir, "gw-kill")
                .segmentBytes(16 * 1024)
                .maxBytes(64L << 20)
                .fsyncPolicy(FsyncPolicy.ALWAYS)
                .build());
    for (int t = 0; t < 2; t++) {
      String prefix = run + "-" + t + "-";
      Thread appender =
          new Thread(
              () -> {
                for (long i = 0; ; i++) {
                  String payload = prefix + i;
                  try {
                    long sequence = outbox.append(payload.getBytes(StandardCharsets.UTF_8));
                    out.println("A " + sequence + " " + payload);
                  } catch (IOException e) {
                    throw new IllegalStateException(e);
                  }
                }
              });
      appender.start();
    }
    while (true) {
      List<OutboxRecord> batch = outbox.poll(20);
      if (batch.isEmpty()) {
        Thread.sleep(2);
        continue;
      }
      for (OutboxRecord record : batch) {
        out.println(
            "D " + record.sequence() + " " + new String(record.payload(), StandardCharsets.UTF_8));
      }
      outbox.ack(batch.get(batch.size() - 1).sequence());
    }
  }
}
