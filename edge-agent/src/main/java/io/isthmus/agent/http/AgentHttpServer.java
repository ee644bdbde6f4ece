package io.isthmus.agent.http;

import io.isthmus.agent.metrics.AgentMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The agent's HTTP endpoints: {@code /health} (200 while the process serves), {@code /ready} (200
 * when ready, else 503 with a JSON body naming what is not), {@code /metrics} (Prometheus text).
 */
public final class AgentHttpServer implements AutoCloseable {
  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  private AgentHttpServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Listens on {@code host:port} (0 picks a free port).
   *
   * @param notReady what is not ready yet, by component; empty when ready
   * @return fails when the port cannot be bound
   */
  public static Future<AgentHttpServer> start(
      Vertx vertx,
      String host,
      int port,
      Supplier<Map<String, String>> notReady,
      AgentMetrics metrics) {
    Router router = Router.router(vertx);
    router
        .get("/health")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "application/json")
                    .end(new JsonObject().put("status", "UP").encode()));
    router
        .get("/ready")
        .handler(
            ctx -> {
              Map<String, String> missing = notReady.get();
              JsonObject body =
                  new JsonObject().put("status", missing.isEmpty() ? "READY" : "NOT_READY");
              if (!missing.isEmpty()) {
                body.put("notReady", new JsonObject(Map.copyOf(missing)));
              }
              ctx.response()
                  .setStatusCode(missing.isEmpty() ? 200 : 503)
                  .putHeader("content-type", "application/json")
                  .end(body.encode());
            });
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", PROMETHEUS_CONTENT_TYPE)
                    .end(metrics.scrape()));
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(port, host)
        .map(AgentHttpServer::new);
  }

  /** The port it listens on. */
  public int port() {
    return server.actualPort();
  }

  public Future<Void> stop() {
    return server.close();
  }

  @Override
  public void close() {
    stop();
  }
}
