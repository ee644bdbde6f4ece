package io.isthmus.sim.fleet;

import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.protocol.manifest.ManifestException;
import io.isthmus.protocol.manifest.ModelPackage;
import io.isthmus.protocol.manifest.TrustedKeys;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.ModelFile;
import io.isthmus.protocol.v1.ModelManifest;
import io.isthmus.protocol.v1.SignedManifest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.impl.ContextInternal;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Fetches and verifies a package folder over HTTP for a simulated gateway, in memory: {@code
 * manifest.pb} first (its sha256 against the desired state, the signature by a trusted key, the
 * paths, the platform), then every file, streamed through SHA-256 and counted, never stored. One
 * Vert.x HTTP client with a bounded connection pool serves all gateways, so a thousand gateways
 * download through at most {@code downloadConcurrency} connections.
 *
 * <p>With {@link FleetOptions.FetchMode#ONCE} a file whose sha256 a gateway of this JVM already
 * verified (or is downloading) is not downloaded again; the manifest always is.
 */
final class PackageFetch implements AutoCloseable {
  private final Vertx vertx;
  private final HttpClient http;
  private final TrustedKeys trusted;
  private final String platform;
  private final int attempts;
  private final long timeoutMs;
  private final boolean shareVerified;
  private final Map<String, Future<Long>> shared = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder bytes = new LongAdder();

  PackageFetch(Vertx vertx, FleetOptions options) {
    this.vertx = vertx;
    this.timeoutMs = options.downloadTimeout().toMillis();
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs)),
            new PoolOptions().setHttp1MaxSize(options.downloadConcurrency()));
    this.trusted = options.trusted();
    this.platform = options.platform();
    this.attempts = options.downloadAttempts();
    this.shareVerified = options.fetch() == FleetOptions.FetchMode.ONCE;
  }

  /** HTTP requests sent so far (tries included). */
  long requests() {
    return requests.sum();
  }

  /** Response body bytes received so far. */
  long bytes() {
    return bytes.sum();
  }

  /**
   * Fetches and verifies the package {@code want} names. Call it on the gateway's context; the
   * future completes there.
   *
   * @return fails with a {@link FetchFailure} carrying the agent's reason code
   */
  Future<VerifiedPackage> fetch(DesiredModel want) {
    String base = want.getDownloadUrl().replaceAll("/+$", "");
    if (!base.startsWith("http://") && !base.startsWith("https://")) {
      return Future.failedFuture(
          new FetchFailure(
              FetchFailure.DOWNLOAD_FAILED,
              "the simulator fetches http(s) URLs only, not " + want.getDownloadUrl()));
    }
    return retried(() -> body(base + "/" + ModelPackage.MANIFEST_FILE), base)
        .compose(manifestBytes -> verifyManifest(want, base, manifestBytes))
        .compose(checked -> fetchFiles(base, checked));
  }

  private record Checked(SignedManifest envelope, ModelManifest manifest) {}

  private record FileDigest(long size, String sha256) {}

  private Future<Checked> verifyManifest(DesiredModel want, String base, Buffer bytes) {
    try {
      String actual = sha256(bytes.getBytes());
      if (!want.getSha256().isEmpty() && !want.getSha256().equals(actual)) {
        throw new FetchFailure(
            FetchFailure.MANIFEST_MISMATCH,
            "the manifest at "
                + base
                + " has sha256 "
                + actual
                + ", the desired state says "
                + want.getSha256());
      }
      SignedManifest envelope;
      try {
        envelope = SignedManifest.parseFrom(bytes.getBytes());
      } catch (InvalidProtocolBufferException e) {
        throw new FetchFailure(
            ManifestException.Reason.MALFORMED_PACKAGE.code(),
            base + "/" + ModelPackage.MANIFEST_FILE + " is not a SignedManifest: " + e.getMessage(),
            e);
      }
      ModelManifest manifest = trusted.verify(envelope);
      ModelPackage.checkPaths(manifest);
      ModelPackage.checkPlatform(manifest, platform);
      return Future.succeededFuture(new Checked(envelope, manifest));
    } catch (ManifestException e) {
      return Future.failedFuture(new FetchFailure(e.reason().code(), e.getMessage(), e));
    } catch (FetchFailure e) {
      return Future.failedFuture(e);
    }
  }

  private Future<VerifiedPackage> fetchFiles(String base, Checked checked) {
    Future<Long> chain = Future.succeededFuture(0L);
    for (ModelFile file : checked.manifest().getFilesList()) {
      chain = chain.compose(fetched -> fetchFile(base, file).map(n -> fetched + n));
    }
    return chain.map(
        fetched ->
            new VerifiedPackage(
                checked.manifest().getName(),
                checked.manifest().getVersion(),
                checked.envelope().getKeyId(),
                checked.manifest().getFilesCount(),
                fetched));
  }

  /**
   * Downloads and checks one file; returns the bytes this gateway downloaded. With the shared cache
   * the first gateway to ask for a sha256 downloads it and the others wait for its verdict (0
   * bytes); a failed download leaves the cache, so the next gateway tries again.
   */
  private Future<Long> fetchFile(String base, ModelFile file) {
    if (!shareVerified) {
      return download(base, file);
    }
    AtomicReference<Future<Long>> created = new AtomicReference<>();
    Future<Long> first =
        shared.computeIfAbsent(
            file.getSha256(),
            sha -> {
              Future<Long> f = download(base, file);
              created.set(f);
              f.onFailure(e -> shared.remove(sha, f));
              return f;
            });
    boolean ours = created.get() == first;
    // continue on the asking gateway's context, whichever gateway completes the download
    Promise<Long> mine = ((ContextInternal) vertx.getOrCreateContext()).promise();
    first.map(n -> ours ? n : 0L).onComplete(mine);
    return mine.future();
  }

  private Future<Long> download(String base, ModelFile file) {
    String url = base + "/" + file.getPath();
    return retried(() -> digest(url), base)
        .compose(
            got -> {
              if (got.size() != file.getSize()) {
                return Future.failedFuture(
                    new FetchFailure(
                        ManifestException.Reason.SIZE_MISMATCH.code(),
                        file.getPath()
                            + " has "
                            + got.size()
                            + " bytes, the manifest says "
                            + file.getSize()
                            + (got.size() < file.getSize() ? " (truncated; fetch it again)" : "")));
              }
              if (!got.sha256().equals(file.getSha256())) {
                return Future.failedFuture(
                    new FetchFailure(
                        ManifestException.Reason.HASH_MISMATCH.code(),
                        file.getPath()
                            + " has sha256 "
                            + got.sha256()
                            + ", the manifest says "
                            + file.getSha256()
                            + ": the file was altered"));
              }
              return Future.succeededFuture(got.size());
            });
  }

  /** Tries {@code attempt} up to {@code attempts} times, with backoff and jitter in between. */
  private <T> Future<T> retried(Supplier<Future<T>> attempt, String base) {
    Promise<T> result = Promise.promise();
    tryOnce(attempt, base, 1, result);
    return result.future();
  }

  private <T> void tryOnce(Supplier<Future<T>> attempt, String base, int n, Promise<T> result) {
    attempt
        .get()
        .onSuccess(result::complete)
        .onFailure(
            e -> {
              if (n >= attempts) {
                result.fail(
                    new FetchFailure(
                        FetchFailure.DOWNLOAD_FAILED,
                        "fetching " + base + " failed after " + n + " tries: " + e.getMessage(),
                        e));
                return;
              }
              long backoff = Math.min(5_000, 200L << (n - 1));
              long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
              vertx.setTimer(Math.max(1, delay), id -> tryOnce(attempt, base, n + 1, result));
            });
  }

  private Future<HttpClientResponse> get(String url) {
    requests.increment();
    return http.request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(url)
                .setIdleTimeout(timeoutMs))
        .compose(request -> request.send())
        .compose(
            response -> {
              if (response.statusCode() != 200) {
                response.end(); // drain it so the connection returns to the pool
                return Future.failedFuture(
                    new IOException(
                        "GET "
                            + url
                            + " answered "
                            + response.statusCode()
                            + " "
                            + response.statusMessage()));
              }
              return Future.succeededFuture(response);
            });
  }

  private Future<Buffer> body(String url) {
    return get(url).compose(HttpClientResponse::body).onSuccess(b -> bytes.add(b.length()));
  }

  private Future<FileDigest> digest(String url) {
    return get(url)
        .compose(
            response -> {
              MessageDigest md = newDigest();
              long[] size = {0};
              Promise<FileDigest> done = Promise.promise();
              response.handler(
                  chunk -> {
                    md.update(chunk.getByteBuf().nioBuffer());
                    size[0] += chunk.length();
                  });
              response.exceptionHandler(done::tryFail);
              response.endHandler(
                  v -> {
                    bytes.add(size[0]);
                    done.tryComplete(
                        new FileDigest(size[0], HexFormat.of().formatHex(md.digest())));
                  });
              return done.future();
            });
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK lacks SHA-256", e);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
