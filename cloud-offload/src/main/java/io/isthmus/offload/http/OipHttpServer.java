package io.isthmus.offload.http;

import io.isthmus.offload.core.OipReply;
import io.isthmus.offload.core.OipRouter;
import io.isthmus.offload.metrics.OffloadMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The Vert.x HTTP front of the function: {@code /v2/...} goes to the {@link OipRouter} (whose
 * futures complete on worker threads, so nothing blocks the event loop), {@code /metrics} answers
 * Prometheus. Bodies over the limit get 413 with the protocol's error JSON, whether the client
 * announced the length or streamed the body; bodies are read raw, never form-decoded.
 */
public final class OipHttpServer {
  private final HttpServer server;

  private OipHttpServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Binds {@code host:port} (0 for a free port).
   *
   * @return a future that fails if the port cannot be bound
   */
  public static Future<OipHttpServer> start(
      Vertx vertx, OipRouter oip, OffloadMetrics metrics, int maxBodyBytes, String host, int port) {
    Router router = Router.router(vertx);
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.scrape()));
    router.route("/v2*").handler(ctx -> rejectAnnouncedOversize(ctx, metrics, maxBodyBytes));
    router
        .route("/v2*")
        .handler(
            ctx ->
                readBody(ctx, maxBodyBytes)
                    .compose(
                        body ->
                            Future.fromCompletionStage(
                                oip.handle(
                                    ctx.request().method().name(),
                                    ctx.request().path(),
                                    ctx.request()::getHeader,
                                    body),
                                vertx.getOrCreateContext()))
                    .onSuccess(reply -> write(ctx.response(), reply))
                    .onFailure(
                        failure -> {
                          metrics.error(413);
                          write(
                              ctx.response().putHeader("Connection", "close"),
                              OipReply.error(413, failure.getMessage()));
                        }));
    HttpServerOptions options =
        new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(false);
    return vertx.createHttpServer(options).requestHandler(router).listen().map(OipHttpServer::new);
  }

  /**
   * The whole body, read without any form decoding (OIP bodies are JSON or binary whatever the
   * Content-Type says); fails once more than {@code maxBodyBytes} arrived.
   */
  private static Future<byte[]> readBody(RoutingContext ctx, int maxBodyBytes) {
    io.vertx.core.Promise<byte[]> promise = io.vertx.core.Promise.promise();
    Buffer body = Buffer.buffer();
    ctx.request()
        .handler(
            chunk -> {
              if (body.length() + chunk.length() > maxBodyBytes) {
                ctx.request().pause();
                promise.tryFail(
                    "The body is larger than the limit of "
                        + maxBodyBytes
                        + " bytes; send smaller batches or raise --max-body-bytes");
              } else {
                body.appendBuffer(chunk);
              }
            })
        .endHandler(end -> promise.tryComplete(body.getBytes()))
        .exceptionHandler(promise::tryFail)
        .resume();
    return promise.future();
  }

  private static void rejectAnnouncedOversize(
      RoutingContext ctx, OffloadMetrics metrics, int maxBodyBytes) {
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    long announced;
    try {
      announced = length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      announced = -1; // Vert.x rejects a malformed Content-Length itself
    }
    if (announced > maxBodyBytes) {
      metrics.error(413);
      write(
          ctx.response().putHeader("Connection", "close"),
          OipReply.error(
              413,
              "The body has "
                  + announced
                  + " bytes, more than the limit of "
                  + maxBodyBytes
                  + "; send smaller batches or raise --max-body-bytes"));
      return;
    }
    ctx.next();
  }

  private static void write(HttpServerResponse response, OipReply reply) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(reply.status()).putHeader(HttpHeaders.CONTENT_TYPE, reply.contentType());
    for (Map.Entry<String, String> header : reply.headers().entrySet()) {
      response.putHeader(header.getKey(), header.getValue());
    }
    response.end(Buffer.buffer(reply.body()));
  }

  /** The port actually bound. */
  public int port() {
    return server.actualPort();
  }

  /** Stops listening and closes open connections. */
  public Future<Void> close() {
    return server.close();
  }
}
