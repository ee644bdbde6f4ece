package io.isthmus.sim.run;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Prints one progress line a second: elapsed, sent, received, send rate, p50/p99 so far. */
final class ProgressPrinter implements AutoCloseable {
  private final ScheduledExecutorService timer;

  ProgressPrinter(PrintStream out, EventLedger ledger, long startNanos) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sim-progress");
              t.setDaemon(true);
              return t;
            });
    long[] lastSent = {0};
    timer.scheduleAtFixedRate(
        () -> {
          long sent = ledger.sentCount();
          long received = ledger.receivedCount();
          String latency = "";
          if (ledger.liveLatency().count() > 0) {
            long[] p = ledger.liveLatency().percentiles(50, 99);
            latency =
                String.format(Locale.ROOT, " p50 %.2f ms p99 %.2f ms", p[0] / 1e6, p[1] / 1e6);
          }
          out.printf(
              Locale.ROOT,
              "sim %5.1fs sent %d received %d rate %d/s%s%n",
              (System.nanoTime() - startNanos) / 1e9,
              sent,
              received,
              sent - lastSent[0],
              latency);
          lastSent[0] = sent;
        },
        1,
        1,
        TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
