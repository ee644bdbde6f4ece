package io.isthmus.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.PackageServer;
import io.isthmus.agent.config.SyncConfig.DownloadSettings;
import io.isthmus.inference.store.ModelStore;
import io.isthmus.protocol.manifest.ModelPackage;
import io.isthmus.protocol.manifest.PackageBuilder;
import io.isthmus.protocol.manifest.SigningKey;
import io.isthmus.protocol.manifest.TrustedKeys;
import io.isthmus.protocol.v1.ModelFile;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, run on demand ({@code -Dbench.sync=true}): fetch, verify and install a 25 MB package
 * over an emulated slow link (a bandwidth cap) that drops the connection several times. Prints the
 * sync time against the time the cap alone takes; asserts only that the installed bytes are whole.
 */
class SyncLinkBenchIT {
  private static final int SIZE = 25 * 1024 * 1024;

  @TempDir Path dir;

  @Test
  void syncOfA25MbPackageOverACappedLinkWithInterruptions() throws Exception {
    Assumptions.assumeTrue(
        Boolean.getBoolean("bench.sync"), "benchmark: run with -Dbench.sync=true");
    long cap = Long.getLong("bench.sync.bytesPerSecond", 5L * 1024 * 1024);
    int drops = Integer.getInteger("bench.sync.drops", 3);
    SigningKey key = SigningKey.generate();
    Path file = dir.resolve("model.onnx");
    byte[] bytes = new byte[SIZE];
    new Random(1).nextBytes(bytes);
    Files.write(file, bytes);
    Path packages = Files.createDirectories(dir.resolve("packages"));
    ModelPackage pkg =
        new PackageBuilder("big", "1")
            .addFile(file, "model.onnx")
            .platform("any")
            .pack(packages.resolve("big-1"));
    pkg.sign(key);
    try (PackageServer server = new PackageServer(packages, 0)) {
      server.drop("big-1/model.onnx", drops);
      PackageFetcher fetcher =
          new PackageFetcher(
              new DownloadSettings(
                  drops + 2,
                  Duration.ofMillis(200),
                  Duration.ofSeconds(2),
                  cap,
                  Duration.ofSeconds(60)));
      ModelStore store = ModelStore.open(dir.resolve("store"));
      long start = System.nanoTime();
      PackageFetcher.Fetched fetched =
          fetcher.fetch(
              server.url("big-1"),
              "",
              dir.resolve("staging"),
              TrustedKeys.of(List.of(key.publicKey())),
              "linux-x86_64");
      ModelFile model = fetched.manifest().getFiles(0);
      String digest;
      try (InputStream in = Files.newInputStream(fetched.pkg().resolve(model))) {
        digest = store.put(in, model.getSha256());
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double capSeconds = cap == 0 ? 0 : (double) SIZE / cap;
      System.out.printf(
          "sync-bench: %d MB, cap %.2f MB/s, %d drops, %d range requests: %.2f s (cap alone %.2f s, %.0f%% over)%n",
          SIZE / (1024 * 1024),
          cap / (1024.0 * 1024),
          drops,
          server.rangeRequests.get(),
          seconds,
          capSeconds,
          (seconds / capSeconds - 1) * 100);
      assertThat(digest).isEqualTo(model.getSha256());
      assertThat(server.rangeRequests.get()).isEqualTo(drops);
    }
  }
}
