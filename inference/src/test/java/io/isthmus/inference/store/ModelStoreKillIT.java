package io.isthmus.inference.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process storing models with SIGKILL at random moments, 10 times, and checks after each
 * restart that every model whose {@code put} had returned is there and intact, no file is
 * corrupted, and the temporary file of the interrupted write is gone.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ModelStoreKillIT {
  private static final int RUNS = 10;

  @TempDir Path root;

  @Test
  void theStoreIsConsistentAfterEveryKill() throws Exception {
    Random random = new Random(7);
    Set<String> stored = new HashSet<>();
    int interruptedWrites = 0;
    for (int run = 0; run < RUNS; run++) {
      Process child = startChild(run);
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      CountDownLatch writing = new CountDownLatch(1);
      Thread reader = new Thread(() -> copy(child.getInputStream(), stdout, writing));
      reader.start();
      assertThat(writing.await(60, TimeUnit.SECONDS)).as("child stored a model").isTrue();
      Thread.sleep(random.nextInt(300));
      assertThat(child.toHandle().destroyForcibly()).isTrue(); // SIGKILL; keeps our pipe open
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      reader.join();
      String out = stdout.toString(StandardCharsets.UTF_8);
      for (String line : out.substring(0, out.lastIndexOf('\n') + 1).split("\n")) {
        stored.add(line);
      }

      try (Stream<Path> files = Files.list(root)) {
        interruptedWrites += (int) files.filter(f -> f.toString().endsWith(".tmp")).count();
      }
      ModelStore store = ModelStore.open(root);

      assertThat(store.verifyAll()).isEmpty();
      assertThat(store.list()).containsAll(stored);
      for (String digest : stored) {
        assertThat(store.path(digest)).exists(); // re-hashes the file
      }
      try (Stream<Path> files = Files.list(root)) {
        assertThat(files.map(f -> f.getFileName().toString()))
            .allMatch(name -> name.matches("[0-9a-f]{64}"));
      }
    }
    assertThat(stored).hasSizeGreaterThanOrEqualTo(RUNS);
    System.out.printf(
        "%d runs: %d models stored, %d writes interrupted mid-file%n",
        RUNS, stored.size(), interruptedWrites);
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
      throw new UncheckedIOException(e);
    }
  }

  private Process startChild(int seed) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return new ProcessBuilder(
            java,
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xmx64m",
            "-cp",
            classpath,
            ModelStoreWriterProcess.class.getName(),
            root.toString(),
            Integer.toString(seed))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }
}
