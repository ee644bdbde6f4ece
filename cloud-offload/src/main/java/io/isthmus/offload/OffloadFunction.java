package io.isthmus.offload;

import io.isthmus.offload.auth.BearerAuthenticator;
import io.isthmus.offload.core.InferenceService;
import io.isthmus.offload.core.OffloadOptions;
import io.isthmus.offload.core.OipRouter;
import io.isthmus.offload.http.OipHttpServer;
import io.isthmus.offload.metrics.OffloadMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud inference function as a process: the {@link InferenceService} behind a Vert.x HTTP
 * server. It binds the port while the models load (both start at once, which cuts cold start), and
 * reports ready once the models are warm. {@link #drainAndStop} is Knative's shutdown contract:
 * stop taking requests, finish those in flight within a grace period, close.
 */
public final class OffloadFunction implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OffloadFunction.class);

  private final Vertx vertx;
  private final InferenceService service;
  private final OipHttpServer server;

  private OffloadFunction(Vertx vertx, InferenceService service, OipHttpServer server) {
    this.vertx = vertx;
    this.service = service;
    this.server = server;
  }

  /**
   * Starts the function on {@code host:port} (0 for a free port). The future completes when the
   * port is bound and every model is loaded and warmed; it fails if either fails, and then
   * everything started is closed again.
   *
   * @throws IOException if the model cache folder cannot be created
   */
  public static CompletableFuture<OffloadFunction> start(
      OffloadOptions options, Optional<BearerAuthenticator> authenticator, String host, int port)
      throws IOException {
    OffloadMetrics metrics = new OffloadMetrics();
    InferenceService service = new InferenceService(options, metrics);
    CompletableFuture<Void> models = service.start();
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(false));
    OipRouter router = new OipRouter(service, authenticator, metrics);
    CompletableFuture<OipHttpServer> bound =
        OipHttpServer.start(vertx, router, metrics, options.maxBodyBytes(), host, port)
            .toCompletionStage()
            .toCompletableFuture();
    return models
        .thenCombine(bound, (ignored, server) -> new OffloadFunction(vertx, service, server))
        .whenComplete(
            (function, failure) -> {
              if (failure != null) {
                service.close();
                vertx.close();
              }
            });
  }

  /** The port the server listens on. */
  public int port() {
    return server.port();
  }

  /** The core, for the provider and in-flight count. */
  public InferenceService service() {
    return service;
  }

  /**
   * Stops taking inference requests (503, and readiness turns 503), waits up to {@code grace} for
   * those in flight to be answered, then closes the server, the models and Vert.x. Blocks.
   *
   * @return whether every request in flight was answered within the grace period
   */
  public boolean drainAndStop(Duration grace) {
    int pending = service.inFlight();
    LOG.info("draining inFlight={} graceMs={}", pending, grace.toMillis());
    boolean drained = true;
    try {
      service.drain().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      drained = false;
      LOG.warn("grace period over with inFlight={} requests unanswered", service.inFlight());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = false;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("draining failed", e.getCause());
    }
    close();
    return drained;
  }

  /** Closes the server, the models and Vert.x at once, without draining. Blocks. */
  @Override
  public void close() {
    try {
      server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      LOG.warn("closing the HTTP server failed: {}", e.toString());
    }
    service.close();
    vertx.close();
  }
}
