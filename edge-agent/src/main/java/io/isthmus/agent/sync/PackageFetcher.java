package io.isthmus.agent.sync;

import io.isthmus.agent.config.SyncConfig.DownloadSettings;
import io.isthmus.agent.ingest.ReconnectBackoff;
import io.isthmus.protocol.manifest.ManifestException;
import io.isthmus.protocol.manifest.ModelPackage;
import io.isthmus.protocol.manifest.TrustedKeys;
import io.isthmus.protocol.v1.ModelFile;
import io.isthmus.protocol.v1.ModelManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a model package folder ({@code manifest.pb} and the files it lists) into a staging folder
 * and verifies it there, before anything is loaded. Sources: {@code http(s)://} base URLs (each
 * file at {@code BASE/PATH}, resumed by {@code Range} after a dropped connection, retried with
 * exponential backoff and jitter, optionally rate-capped), {@code file://} URLs and plain folder
 * paths. Blocking: runs on the sync thread.
 *
 * <p>Cheap checks come first: the manifest's sha256 against the desired state, its signature and
 * its platform are checked before any model file is downloaded.
 */
final class PackageFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(PackageFetcher.class);
  private static final String PART = ".part";

  private final DownloadSettings settings;
  private final HttpClient http;
  private final ReconnectBackoff backoff;

  PackageFetcher(DownloadSettings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    this.backoff =
        new ReconnectBackoff(
            settings.backoffInitial(),
            settings.backoffMax(),
            () -> ThreadLocalRandom.current().nextDouble());
  }

  /** A verified package in {@code staging}. */
  record Fetched(ModelPackage pkg, ModelManifest manifest) {}

  /**
   * Fetches {@code source} into {@code staging} (created; files already there are resumed) and
   * verifies it.
   *
   * @param manifestSha256 the sha256 {@code manifest.pb} must have; empty to skip that check
   * @throws SyncException {@code download_failed} (transient), {@code manifest_mismatch}, or the
   *     {@code ManifestException} reason of the first check that fails
   */
  Fetched fetch(
      String source, String manifestSha256, Path staging, TrustedKeys trusted, String platform)
      throws SyncException {
    try {
      Files.createDirectories(staging);
      Path manifestFile = fetchFile(source, ModelPackage.MANIFEST_FILE, staging, -1);
      String actual = sha256(manifestFile);
      if (!manifestSha256.isEmpty() && !manifestSha256.equals(actual)) {
        Files.delete(manifestFile);
        throw new SyncException(
            SyncException.MANIFEST_MISMATCH,
            "the manifest at "
                + source
                + " has sha256 "
                + actual
                + ", the desired state says "
                + manifestSha256);
      }
      ModelPackage pkg = ModelPackage.open(staging);
      ModelManifest manifest = trusted.verify(pkg.envelope());
      ModelPackage.checkPlatform(manifest, platform);
      for (ModelFile file : manifest.getFilesList()) {
        fetchFile(source, file.getPath(), staging, file.getSize());
      }
      return new Fetched(pkg, pkg.verify(trusted, platform));
    } catch (ManifestException e) {
      throw new SyncException(e.reason().code(), e.getMessage(), e);
    } catch (IOException e) {
      throw new SyncException(
          SyncException.DOWNLOAD_FAILED, "fetching " + source + " failed: " + e.getMessage(), e);
    }
  }

  /** Fetches one file to {@code staging/path}; {@code size} -1 when unknown. */
  private Path fetchFile(String source, String path, Path staging, long size)
      throws IOException, SyncException {
    Path target = staging.resolve(path).normalize();
    if (!target.startsWith(staging)) {
      throw new SyncException(
          ManifestException.Reason.MALFORMED_MANIFEST.code(), "Bad file path in manifest: " + path);
    }
    if (size >= 0 && Files.isRegularFile(target) && Files.size(target) == size) {
      return target; // fetched by an earlier, interrupted sync
    }
    Files.createDirectories(target.getParent());
    if (source.startsWith("http://") || source.startsWith("https://")) {
      download(URI.create(stripSlash(source) + "/" + path), target, size);
    } else {
      Path from = source.startsWith("file:") ? Path.of(URI.create(source)) : Path.of(source);
      Files.copy(from.resolve(path), target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  private void download(URI uri, Path target, long size) throws IOException, SyncException {
    Path part = target.resolveSibling(target.getFileName() + PART);
    IOException last = null;
    for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
      if (attempt > 1) {
        waitBeforeRetry(attempt - 1);
      }
      try {
        if (downloadOnce(uri, part, size)) {
          Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
          return;
        }
      } catch (IOException e) {
        last = e;
        long have = Files.exists(part) ? Files.size(part) : 0;
        LOG.info("download={} attempt={} failed at byte {}: {}", uri, attempt, have, e.toString());
      }
    }
    throw new SyncException(
        SyncException.DOWNLOAD_FAILED,
        uri + " could not be fetched in " + settings.attempts() + " attempts: " + last,
        last);
  }

  /**
   * One request, resuming after what {@code part} holds. Returns true when the server sent the rest
   * of the file, false to ask again from the start (the server ignored the range of a file we hold
   * more of than it has).
   */
  private boolean downloadOnce(URI uri, Path part, long size) throws IOException {
    long have = Files.exists(part) ? Files.size(part) : 0;
    if (size >= 0 && have > size) {
      Files.delete(part);
      have = 0;
    }
    if (size >= 0 && have == size) {
      return true;
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(settings.timeout()).GET();
    if (have > 0) {
      request.header("Range", "bytes=" + have + "-");
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("download of " + uri + " interrupted");
    }
    int status = response.statusCode();
    try (InputStream body = response.body()) {
      if (status == 416 && have > 0) {
        // we hold at least the whole file: let verification judge it
        return true;
      }
      boolean append = status == 206;
      if (status != 200 && !append) {
        throw new IOException("HTTP " + status + " for " + uri);
      }
      long expected = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      long got = copy(body, part, append);
      if (expected >= 0 && got < expected) {
        throw new IOException("connection closed after " + got + " of " + expected + " bytes");
      }
      return true;
    }
  }

  private long copy(InputStream body, Path part, boolean append) throws IOException {
    Throttle throttle = new Throttle(settings.bytesPerSecond());
    long got = 0;
    try (OutputStream out =
        Files.newOutputStream(
            part,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
      byte[] buffer = new byte[16 * 1024];
      int n;
      while ((n = body.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        got += n;
        throttle.consumed(n);
      }
    }
    return got;
  }

  private void waitBeforeRetry(int failures) throws InterruptedIOException {
    // the sync thread has nothing else to do until this package is fetched: waiting here delays
    // only the next sync step, never an event
    try {
      TimeUnit.MILLISECONDS.sleep(backoff.delayMillis(failures));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("download retry interrupted");
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
