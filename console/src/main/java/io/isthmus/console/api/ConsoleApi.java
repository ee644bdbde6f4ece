package io.isthmus.console.api;

import io.isthmus.console.FleetLoop;
import io.isthmus.console.audit.JdbcAuditLog;
import io.isthmus.console.auth.TokenStore;
import io.isthmus.console.fleet.GatewayRegistry;
import io.isthmus.console.registry.ArtifactUrls;
import io.isthmus.console.registry.ModelRegistry;
import io.isthmus.console.rollout.RolloutEngine;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * The console's HTTP API under {@code /api/v1} (see {@code openapi.yaml}), the health probes, and
 * the package downloads for gateways under {@code /artifacts/}. Every {@code /api} route needs a
 * token; blocking work runs on worker threads or the {@link FleetLoop}, never on the event loop.
 */
public final class ConsoleApi {
  private static final long MAX_UPLOAD_BYTES = 2L * 1024 * 1024 * 1024;

  private final Vertx vertx;
  private final GatewayRegistry gateways;
  private final ModelRegistry models;
  private final RolloutEngine engine;
  private final JdbcAuditLog audit;
  private final TokenStore tokens;
  private final FleetLoop loop;
  private final ArtifactUrls urls;
  private final Path uploads;
  private final BooleanSupplier ready;

  public ConsoleApi(
      Vertx vertx,
      GatewayRegistry gateways,
      ModelRegistry models,
      RolloutEngine engine,
      JdbcAuditLog audit,
      TokenStore tokens,
      FleetLoop loop,
      ArtifactUrls urls,
      Path uploads,
      BooleanSupplier ready) {
    this.vertx = vertx;
    this.gateways = gateways;
    this.models = models;
    this.engine = engine;
    this.audit = audit;
    this.tokens = tokens;
    this.loop = loop;
    this.urls = urls;
    this.uploads = uploads;
    this.ready = ready;
  }

  /** The router with every route. */
  public Router router() {
    Router router = Router.router(vertx);
    Authenticator auth = new Authenticator(tokens);
    BodyHandler json = BodyHandler.create(false).setBodyLimit(1024 * 1024);
    BodyHandler multipart =
        BodyHandler.create(uploads.toString())
            .setBodyLimit(MAX_UPLOAD_BYTES)
            .setDeleteUploadedFilesOnEnd(true);

    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "live")));
    router.get("/health/ready").handler(this::ready);
    String api = "/api/v1";
    new GatewayRoutes(gateways, loop).register(router, auth, json, api);
    new ModelRoutes(vertx, models, urls, multipart).register(router, auth, json, api);
    new RolloutRoutes(engine, gateways, loop).register(router, auth, json, api);
    new AdminRoutes(vertx, audit, tokens).register(router, auth, json, api);

    router.route().handler(io.vertx.ext.web.handler.StaticHandler.create("webroot"));
    router
        .route()
        .last()
        .handler(
            ctx -> ctx.fail(new ApiException(404, "no such resource: " + ctx.request().path())));
    router.route().failureHandler(RouteSupport::failure);
    return router;
  }

  private void ready(RoutingContext ctx) {
    vertx
        .executeBlocking(ready::getAsBoolean, false)
        .onComplete(
            r -> {
              boolean ok = r.succeeded() && r.result();
              ctx.response().setStatusCode(ok ? 200 : 503);
              ctx.json(new JsonObject().put("status", ok ? "ready" : "not ready"));
            });
  }
}
