package io.isthmus.console.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isthmus.console.FleetLoop;
import io.isthmus.console.audit.JdbcAuditLog;
import io.isthmus.console.auth.Role;
import io.isthmus.console.auth.TokenStore;
import io.isthmus.console.fleet.GatewayRecord;
import io.isthmus.console.fleet.GatewayRegistry;
import io.isthmus.console.registry.ArtifactUrls;
import io.isthmus.console.registry.ModelRegistry;
import io.isthmus.console.registry.ModelUpload;
import io.isthmus.console.registry.ModelVersion;
import io.isthmus.console.registry.RegistryException;
import io.isthmus.console.rollout.Rollout;
import io.isthmus.console.rollout.RolloutEngine;
import io.isthmus.console.rollout.RolloutException;
import io.isthmus.console.rollout.RolloutSpec;
import io.isthmus.console.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP API under {@code /api/v1} (see {@code openapi.yaml}), the health probes, and
 * the package downloads for gateways under {@code /artifacts/}. Every {@code /api} route needs a
 * token; blocking work runs on worker threads or the {@link FleetLoop}, never on the event loop.
 */
public final class ConsoleApi {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleApi.class);
  private static final ObjectMapper SPEC_READER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
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
    router.get("/artifacts/:token/:sha/*").handler(this::artifact);

    String api = "/api/v1";
    secured(router, auth, HttpMethod.GET, api + "/gateways", Role.VIEWER, null)
        .handler(this::listGateways);
    secured(router, auth, HttpMethod.GET, api + "/gateways/:id", Role.VIEWER, null)
        .handler(this::getGateway);
    secured(router, auth, HttpMethod.PUT, api + "/gateways/:id/labels", Role.OPERATOR, json)
        .handler(this::setLabels);
    secured(router, auth, HttpMethod.GET, api + "/models", Role.VIEWER, null)
        .handler(this::listModels);
    secured(router, auth, HttpMethod.GET, api + "/models/:name/versions", Role.VIEWER, null)
        .handler(this::listVersions);
    secured(router, auth, HttpMethod.POST, api + "/models/:name/versions", Role.OPERATOR, multipart)
        .handler(this::upload);
    secured(
            router,
            auth,
            HttpMethod.GET,
            api + "/models/:name/versions/:version",
            Role.VIEWER,
            null)
        .handler(this::getVersion);
    secured(
            router,
            auth,
            HttpMethod.GET,
            api + "/models/:name/versions/:version/download",
            Role.VIEWER,
            null)
        .handler(this::download);
    secured(router, auth, HttpMethod.GET, api + "/signing-key", Role.VIEWER, null)
        .handler(this::signingKey);
    secured(router, auth, HttpMethod.GET, api + "/rollouts", Role.VIEWER, null)
        .handler(this::listRollouts);
    secured(router, auth, HttpMethod.POST, api + "/rollouts", Role.OPERATOR, json)
        .handler(this::createRollout);
    secured(router, auth, HttpMethod.GET, api + "/rollouts/:id", Role.VIEWER, null)
        .handler(this::getRollout);
    secured(router, auth, HttpMethod.POST, api + "/rollouts/:id/pause", Role.OPERATOR, null)
        .handler(ctx -> command(ctx, (id, actor) -> engine.pause(id, actor)));
    secured(router, auth, HttpMethod.POST, api + "/rollouts/:id/resume", Role.OPERATOR, null)
        .handler(ctx -> command(ctx, (id, actor) -> engine.resume(id, actor)));
    secured(router, auth, HttpMethod.POST, api + "/rollouts/:id/abort", Role.OPERATOR, json)
        .handler(
            ctx -> {
              boolean rollback = bodyObject(ctx).getBoolean("rollback", false);
              command(ctx, (id, actor) -> engine.abort(id, actor, rollback));
            });
    secured(router, auth, HttpMethod.GET, api + "/audit", Role.VIEWER, null)
        .handler(this::listAudit);
    secured(router, auth, HttpMethod.GET, api + "/tokens", Role.ADMIN, null)
        .handler(this::listTokens);
    secured(router, auth, HttpMethod.POST, api + "/tokens", Role.ADMIN, json)
        .handler(this::issueToken);
    secured(router, auth, HttpMethod.DELETE, api + "/tokens/:id", Role.ADMIN, null)
        .handler(this::revokeToken);

    router.route().handler(io.vertx.ext.web.handler.StaticHandler.create("webroot"));
    router
        .route()
        .last()
        .handler(
            ctx -> ctx.fail(new ApiException(404, "no such resource: " + ctx.request().path())));
    router.route().failureHandler(this::failure);
    return router;
  }

  /**
   * A route that checks the token first (on a route of its own, so an upload is refused before its
   * body is read), then reads the body if {@code body} is given.
   */
  private static Route secured(
      Router router,
      Authenticator auth,
      HttpMethod method,
      String path,
      Role role,
      BodyHandler body) {
    router.route(method, path).handler(auth.require(role));
    Route route = router.route(method, path);
    return body == null ? route : route.handler(body);
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

  // --- gateways

  private void listGateways(RoutingContext ctx) {
    Map<String, String> labels = new HashMap<>();
    for (String label : ctx.queryParam("label")) {
      int eq = label.indexOf('=');
      if (eq <= 0) {
        ctx.fail(
            new ApiException(400, "label filter '" + label + "' is not valid: expected KEY=VALUE"));
        return;
      }
      labels.put(label.substring(0, eq), label.substring(eq + 1));
    }
    String state = ctx.request().getParam("state");
    Boolean online = null;
    if (state != null) {
      if (!state.equals("online") && !state.equals("offline")) {
        ctx.fail(
            new ApiException(
                400, "state '" + state + "' is not valid: expected online or offline"));
        return;
      }
      online = state.equals("online");
    }
    List<GatewayRecord> found = gateways.list(labels, online, ctx.request().getParam("version"));
    JsonArray items = new JsonArray();
    found.forEach(g -> items.add(Views.gateway(g, gateways.online(g))));
    ctx.json(new JsonObject().put("count", found.size()).put("items", items));
  }

  private void getGateway(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    GatewayRecord g = gateways.get(id).orElseThrow(() -> new ApiException(404, "no gateway " + id));
    ctx.json(Views.gateway(g, gateways.online(g)));
  }

  private void setLabels(RoutingContext ctx) {
    JsonObject body = bodyObject(ctx);
    Map<String, String> labels = new HashMap<>();
    for (String key : body.fieldNames()) {
      if (!(body.getValue(key) instanceof String value)) {
        throw new ApiException(400, "label '" + key + "' must have a string value");
      }
      labels.put(key, value);
    }
    String id = ctx.pathParam("id");
    String actor = ctx.get(Authenticator.ACTOR);
    respond(
        ctx,
        Future.fromCompletionStage(loop.call(() -> gateways.labels(id, labels, actor)))
            .map(
                g ->
                    Views.gateway(
                        g.orElseThrow(() -> new ApiException(404, "no gateway " + id)),
                        gateways.online(g.get()))));
  }

  // --- models

  private void listModels(RoutingContext ctx) {
    blocking(ctx, () -> new JsonObject().put("items", new JsonArray(models.models())));
  }

  private void listVersions(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    blocking(
        ctx,
        () -> {
          JsonArray items = new JsonArray();
          models.versions(name).forEach(v -> items.add(Views.version(v)));
          return new JsonObject().put("model", name).put("items", items);
        });
  }

  private void getVersion(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    blocking(ctx, () -> Views.version(requireVersion(name, version)));
  }

  private ModelVersion requireVersion(String name, String version) {
    return models
        .version(name, version)
        .orElseThrow(() -> new ApiException(404, "no model " + name + " version " + version));
  }

  private void upload(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String version = ctx.request().getFormAttribute("version");
    List<String> platforms = ctx.request().formAttributes().getAll("platform");
    FileUpload model = upload(ctx, "model");
    if (model == null) {
      ctx.fail(new ApiException(400, "the form needs a file field 'model' (.onnx or .tflite)"));
      return;
    }
    FileUpload plan = upload(ctx, "plan");
    FileUpload head = upload(ctx, "head");
    FileUpload tail = upload(ctx, "tail");
    ModelUpload request =
        new ModelUpload(
            name,
            version,
            Path.of(model.uploadedFileName()),
            model.fileName(),
            platforms,
            plan == null ? null : Path.of(plan.uploadedFileName()),
            head == null ? null : Path.of(head.uploadedFileName()),
            tail == null ? null : Path.of(tail.uploadedFileName()));
    String actor = ctx.get(Authenticator.ACTOR);
    vertx
        .executeBlocking(() -> Views.version(models.register(request, actor)), false)
        .onSuccess(
            v ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .end(v.encode()))
        .onFailure(ctx::fail);
  }

  private static FileUpload upload(RoutingContext ctx, String field) {
    return ctx.fileUploads().stream().filter(f -> f.name().equals(field)).findFirst().orElse(null);
  }

  private void download(RoutingContext ctx) {
    String path = ctx.request().getParam("path");
    if (path == null) {
      ctx.fail(
          new ApiException(400, "query parameter 'path' names the package file, e.g. manifest.pb"));
      return;
    }
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    vertx
        .executeBlocking(
            () -> {
              ModelVersion v = requireVersion(name, version);
              return v.files().stream()
                  .filter(f -> f.path().equals(path))
                  .findFirst()
                  .orElseThrow(() -> new ApiException(404, "the package has no file " + path));
            },
            false)
        .onSuccess(
            f ->
                FileResponder.send(
                    ctx,
                    models.blobPath(f.sha256()),
                    f.sha256(),
                    f.size(),
                    "application/octet-stream"))
        .onFailure(ctx::fail);
  }

  private void artifact(RoutingContext ctx) {
    String sha = ctx.pathParam("sha");
    String token = ctx.pathParam("token");
    String path = ctx.pathParam("*");
    if (!sha.matches("[0-9a-f]{64}") || !urls.grants(token, sha)) {
      ctx.fail(new ApiException(403, "this download URL is not valid"));
      return;
    }
    vertx
        .executeBlocking(
            () ->
                models
                    .packageFile(sha, path)
                    .orElseThrow(() -> new ApiException(404, "the package has no file " + path)),
            false)
        .onSuccess(
            f ->
                FileResponder.send(
                    ctx,
                    models.blobPath(f.sha256()),
                    f.sha256(),
                    f.size(),
                    "application/octet-stream"))
        .onFailure(ctx::fail);
  }

  private void signingKey(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/x-pem-file").end(models.publicKeyPem());
  }

  // --- rollouts

  private void listRollouts(RoutingContext ctx) {
    respond(
        ctx,
        Future.fromCompletionStage(
            loop.call(
                () -> {
                  JsonArray items = new JsonArray();
                  engine.list().forEach(r -> items.add(Views.rollout(r, targeted(r))));
                  return new JsonObject().put("items", items);
                })));
  }

  private void getRollout(RoutingContext ctx) {
    long id = rolloutId(ctx);
    respond(
        ctx,
        Future.fromCompletionStage(
            loop.call(
                () -> {
                  Rollout r =
                      engine.get(id).orElseThrow(() -> new ApiException(404, "no rollout " + id));
                  return Views.rollout(r, targeted(r));
                })));
  }

  private void createRollout(RoutingContext ctx) {
    RolloutSpec spec;
    try {
      spec = SPEC_READER.readValue(ctx.body().asString(), RolloutSpec.class);
    } catch (Exception e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
      ctx.fail(new ApiException(400, "rollout spec is not valid: " + cause.getMessage()));
      return;
    }
    String actor = ctx.get(Authenticator.ACTOR);
    loop.call(() -> Views.rollout(engine.create(spec, actor), 0))
        .whenComplete(
            (view, error) -> {
              if (error != null) {
                ctx.fail(error);
              } else {
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .end(view.encode());
              }
            });
  }

  @FunctionalInterface
  private interface Command {
    Rollout apply(long id, String actor);
  }

  private void command(RoutingContext ctx, Command command) {
    long id = rolloutId(ctx);
    String actor = ctx.get(Authenticator.ACTOR);
    respond(
        ctx,
        Future.fromCompletionStage(
            loop.call(
                () -> {
                  Rollout r = command.apply(id, actor);
                  return Views.rollout(r, targeted(r));
                })));
  }

  /** Gateways the rollout selects now (called on the fleet thread). */
  private int targeted(Rollout r) {
    return (int) gateways.gateways().stream().filter(g -> r.spec().selects(g.labels())).count();
  }

  private static long rolloutId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new ApiException(400, "rollout id '" + ctx.pathParam("id") + "' is not a number");
    }
  }

  // --- audit and tokens

  private void listAudit(RoutingContext ctx) {
    String rollout = ctx.request().getParam("rollout");
    String limitParam = ctx.request().getParam("limit", "200");
    Long rolloutId;
    int limit;
    try {
      rolloutId = rollout == null ? null : Long.valueOf(rollout);
      limit = Math.max(1, Math.min(10_000, Integer.parseInt(limitParam)));
    } catch (NumberFormatException e) {
      ctx.fail(new ApiException(400, "rollout and limit must be numbers"));
      return;
    }
    blocking(
        ctx,
        () -> {
          JsonArray items = new JsonArray();
          audit.list(rolloutId, limit).forEach(e -> items.add(Views.audit(e)));
          return new JsonObject().put("items", items);
        });
  }

  private void listTokens(RoutingContext ctx) {
    blocking(
        ctx,
        () -> {
          JsonArray items = new JsonArray();
          tokens.list().forEach(t -> items.add(Views.token(t)));
          return new JsonObject().put("items", items);
        });
  }

  private void issueToken(RoutingContext ctx) {
    JsonObject body = bodyObject(ctx);
    String name = body.getString("name");
    Role role;
    try {
      role = Role.parse(body.getString("role", "viewer"));
    } catch (IllegalArgumentException e) {
      ctx.fail(new ApiException(400, e.getMessage()));
      return;
    }
    if (name == null || name.isBlank()) {
      ctx.fail(new ApiException(400, "a token needs a 'name'"));
      return;
    }
    String actor = ctx.get(Authenticator.ACTOR);
    vertx
        .executeBlocking(
            () -> {
              String token = tokens.issue(name, role);
              audit.record(null, actor, "token-issued", "token '" + name + "' with role " + role);
              return new JsonObject()
                  .put("name", name)
                  .put("role", role.name().toLowerCase(java.util.Locale.ROOT))
                  .put("token", token);
            },
            false)
        .onSuccess(
            v ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Content-Type", "application/json")
                    .end(v.encode()))
        .onFailure(ctx::fail);
  }

  private void revokeToken(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      ctx.fail(new ApiException(400, "token id must be a number"));
      return;
    }
    String actor = ctx.get(Authenticator.ACTOR);
    vertx
        .executeBlocking(
            () -> {
              if (!tokens.revoke(id)) {
                throw new ApiException(404, "no token " + id);
              }
              audit.record(null, actor, "token-revoked", "token " + id);
              return null;
            },
            false)
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  // --- plumbing

  private static JsonObject bodyObject(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return new JsonObject();
    }
    try {
      return ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw new ApiException(400, "the body is not a JSON object: " + e.getMessage());
    }
  }

  private void blocking(RoutingContext ctx, Callable<JsonObject> work) {
    respond(ctx, vertx.executeBlocking(work, false));
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> result) {
    result.onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private void failure(RoutingContext ctx) {
    Throwable error = ctx.failure();
    while (error instanceof java.util.concurrent.CompletionException && error.getCause() != null) {
      error = error.getCause();
    }
    int status;
    String message;
    if (error instanceof ApiException e) {
      status = e.status();
      message = e.getMessage();
    } else if (error instanceof RolloutException e) {
      status = e.status();
      message = e.getMessage();
    } else if (error instanceof RegistryException e) {
      status = e.status();
      message = e.getMessage();
    } else if (error instanceof IllegalArgumentException e) {
      status = 400;
      message = e.getMessage();
    } else if (error == null) {
      status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      message = status == 413 ? "the upload is too large" : "request failed";
    } else {
      status = 500;
      message = "internal error: " + error.getClass().getSimpleName();
      if (error instanceof StoreException) {
        message = "database error: " + error.getMessage();
      }
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), error);
    }
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", message).put("status", status).encode());
  }
}
