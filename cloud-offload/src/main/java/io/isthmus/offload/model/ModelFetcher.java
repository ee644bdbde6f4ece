package io.isthmus.offload.model;

import io.isthmus.inference.store.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two lower cache tiers: a local content-addressed disk cache ({@link ModelStore}) in front of
 * the model's source (an HTTP URL or a path). A source with a sha256 that the cache already holds
 * is never fetched again; every fetched or copied file is verified against its sha256 before it is
 * used. Blocking: call it from a worker thread.
 */
final class ModelFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(ModelFetcher.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Which tier a model file came from. */
  enum Tier {
    /** The disk cache held the digest. */
    DISK,
    /** Downloaded from the URL into the disk cache. */
    REMOTE,
    /** Read from a local path (copied into the cache when a sha256 is given). */
    PATH
  }

  /** A local model file and where it came from. */
  record Fetched(Path file, Tier tier) {}

  private final ModelStore store;
  private volatile HttpClient http;

  ModelFetcher(ModelStore store) {
    this.store = store;
  }

  /**
   * A verified local file for {@code source}.
   *
   * @throws IOException if the source cannot be read or downloaded, or its bytes do not hash to the
   *     declared sha256 (the message names both digests)
   */
  Fetched fetch(ModelSource source) throws IOException {
    if (source.sha256().isPresent() && store.contains(source.sha256().get())) {
      return new Fetched(store.path(source.sha256().get()), Tier.DISK);
    }
    if (source.isRemote()) {
      return new Fetched(download(source), Tier.REMOTE);
    }
    Path path = source.path();
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(
          path.toString(), null, "model " + source.name() + " has no file at " + path);
    }
    if (source.sha256().isEmpty()) {
      return new Fetched(path, Tier.PATH);
    }
    try (InputStream in = Files.newInputStream(path)) {
      return new Fetched(storeVerified(source, in), Tier.PATH);
    }
  }

  private Path download(ModelSource source) throws IOException {
    LOG.info("model={} version={} fetching url={}", source.name(), source.version(), source.uri());
    HttpRequest request = HttpRequest.newBuilder(source.uri()).timeout(TIMEOUT).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while downloading " + source.uri(), e);
    }
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException(
            "Downloading model "
                + source.name()
                + " from "
                + source.uri()
                + " answered HTTP "
                + response.statusCode()
                + ", expected 200");
      }
      return storeVerified(source, body);
    }
  }

  private Path storeVerified(ModelSource source, InputStream in) throws IOException {
    String expected = source.sha256().orElseThrow();
    String actual = store.put(in);
    if (!actual.equals(expected)) {
      store.delete(actual);
      throw new IOException(
          "Model "
              + source
              + " has sha256 "
              + actual
              + ", expected "
              + expected
              + ": the source changed or the digest is wrong");
    }
    return store.path(actual);
  }

  private HttpClient client() {
    HttpClient client = http;
    if (client == null) { // created on first remote fetch only: most starts never need it
      synchronized (this) {
        if (http == null) {
          http =
              HttpClient.newBuilder()
                  .connectTimeout(TIMEOUT)
                  .followRedirects(HttpClient.Redirect.NORMAL)
                  .build();
        }
        client = http;
      }
    }
    return client;
  }
}
