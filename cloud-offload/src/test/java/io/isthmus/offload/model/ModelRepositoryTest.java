package io.isthmus.offload.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.Tensor;
import io.isthmus.offload.batch.BatchingOptions;
import io.isthmus.offload.batch.DynamicBatcher;
import io.isthmus.offload.core.OffloadException;
import io.isthmus.offload.testing.AffineModel;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache tiers: memory (LRU under a budget), disk (content addressed), remote (HTTP). */
class ModelRepositoryTest {
  @TempDir Path dir;
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final ModelRepository.Listener listener =
      new ModelRepository.Listener() {
        @Override
        public void loaded(ModelSource source, String tier, long nanos) {
          events.add("load " + source.name() + " " + tier);
        }

        @Override
        public void unloaded(ModelSource source) {
          events.add("unload " + source.name());
        }
      };
  private final DynamicBatcher.Listener quiet =
      new DynamicBatcher.Listener() {
        @Override
        public void batchRan(int rows, int requests, long nanos) {}

        @Override
        public void queued(long nanos) {}
      };

  @AfterEach
  void stop() {
    workers.shutdownNow();
  }

  private ModelRepository repository(List<ModelSource> sources, long budget) throws Exception {
    return new ModelRepository(
        sources,
        dir.resolve("cache"),
        ModelOptions.defaults(),
        (source, runner, batchable) ->
            new DynamicBatcher(
                source.name(), runner, batchable, BatchingOptions.defaults(), workers, quiet),
        budget,
        listener);
  }

  private static float[] run(ModelRepository.Lease lease, float... x) throws Exception {
    Map<String, Tensor> inputs = Map.of("x", Tensor.ofFloats(new long[] {1, x.length}, x));
    return lease.model().infer(inputs).get(10, TimeUnit.SECONDS).get("y").toFloatArray();
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void theLeastRecentlyUsedIdleModelIsUnloadedForRoomAndReloadedOnDemand() throws Exception {
    Path a = AffineModel.write(dir, "a", true, 2, 1);
    Path b = AffineModel.write(dir, "b", true, 3, 0);
    long oneModel = Files.size(a);
    try (ModelRepository repository =
        repository(
            List.of(ModelSource.parse("a=" + a), ModelSource.parse("b=" + b)),
            oneModel + Files.size(b) / 2)) {
      // loading both leaves room for one: a, used longest ago, goes
      repository.loadAll();
      assertThat(repository.loadedCount()).isEqualTo(1);
      assertThat(events).containsExactly("load a path", "load b path", "unload a");

      try (ModelRepository.Lease lease = repository.acquire("a", Optional.empty())) {
        assertThat(run(lease, 1, 2, 3, 4)).containsExactly(3, 5, 7, 9);
        // b is idle and least recently used now
        assertThat(events).endsWith("load a path", "unload b");
      }
    }
  }

  @Test
  void aModelInUseIsNotUnloadedEvenOverBudget() throws Exception {
    Path a = AffineModel.write(dir, "a", true, 2, 1);
    Path b = AffineModel.write(dir, "b", true, 3, 0);
    try (ModelRepository repository =
        repository(List.of(ModelSource.parse("a=" + a), ModelSource.parse("b=" + b)), 1)) {
      try (ModelRepository.Lease leaseA = repository.acquire("a", Optional.empty());
          ModelRepository.Lease leaseB = repository.acquire("b", Optional.empty())) {
        assertThat(repository.loadedCount()).isEqualTo(2);
        assertThat(run(leaseA, 0, 0, 0, 0)).containsExactly(1, 1, 1, 1);
        assertThat(run(leaseB, 1, 1, 1, 1)).containsExactly(3, 3, 3, 3);
      }
    }
  }

  @Test
  void aRemoteModelIsDownloadedOnceVerifiedAndThenServedFromTheDiskCache() throws Exception {
    Path model = AffineModel.write(dir, "remote", true, 2, 1);
    byte[] bytes = Files.readAllBytes(model);
    AtomicInteger downloads = new AtomicInteger();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/models/remote.onnx",
        exchange -> {
          downloads.incrementAndGet();
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    http.start();
    try {
      String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/models/remote.onnx";
      ModelSource source = ModelSource.parse("r=" + url + "#sha256=" + sha256(model));

      try (ModelRepository first = repository(List.of(source), 1 << 30)) {
        first.loadAll();
      }
      try (ModelRepository second = repository(List.of(source), 1 << 30);
          ModelRepository.Lease lease = second.acquire("r", Optional.empty())) {
        assertThat(run(lease, 1, 1, 1, 1)).containsExactly(3, 3, 3, 3);
      }

      assertThat(downloads).hasValue(1);
      assertThat(events).containsExactly("load r remote", "load r disk");

      ModelSource wrongDigest = ModelSource.parse("w=" + url + "#sha256=" + "0".repeat(64));
      try (ModelRepository repository = repository(List.of(wrongDigest), 1 << 30)) {
        assertThatThrownBy(repository::loadAll)
            .isInstanceOfSatisfying(
                OffloadException.class, e -> assertThat(e.status()).isEqualTo(500))
            .hasMessageContaining("has sha256 " + sha256(model))
            .hasMessageContaining("expected " + "0".repeat(64));
      }
    } finally {
      http.stop(0);
    }
  }

  @Test
  void aLocalFileThatDoesNotMatchItsDigestIsRefused() throws Exception {
    Path model = AffineModel.write(dir, "local", true, 2, 1);
    ModelSource source = ModelSource.parse("m=" + model + "#sha256=" + "1".repeat(64));
    try (ModelRepository repository = repository(List.of(source), 1 << 30)) {
      assertThatThrownBy(repository::loadAll).hasMessageContaining("expected " + "1".repeat(64));
      assertThat(repository.loadedCount()).isZero();
    }
  }
}
