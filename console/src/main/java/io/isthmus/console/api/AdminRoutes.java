package io.isthmus.console.api;

import io.isthmus.console.audit.JdbcAuditLog;
import io.isthmus.console.auth.Role;
import io.isthmus.console.auth.TokenStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** Routes of the audit history and the API tokens. */
final class AdminRoutes {
  private final Vertx vertx;
  private final JdbcAuditLog audit;
  private final TokenStore tokens;

  AdminRoutes(Vertx vertx, JdbcAuditLog audit, TokenStore tokens) {
    this.vertx = vertx;
    this.audit = audit;
    this.tokens = tokens;
  }

  void register(Router router, Authenticator auth, BodyHandler json, String api) {
    RouteSupport.secured(router, auth, HttpMethod.GET, api + "/audit", Role.VIEWER, null)
        .handler(this::listAudit);
    RouteSupport.secured(router, auth, HttpMethod.GET, api + "/tokens", Role.ADMIN, null)
        .handler(this::listTokens);
    RouteSupport.secured(router, auth, HttpMethod.POST, api + "/tokens", Role.ADMIN, json)
        .handler(this::issueToken);
    RouteSupport.secured(router, auth, HttpMethod.DELETE, api + "/tokens/:id", Role.ADMIN, null)
        .handler(this::revokeToken);
  }

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
    RouteSupport.blocking(
        vertx,
        ctx,
        () -> {
          JsonArray items = new JsonArray();
          audit.list(rolloutId, limit).forEach(e -> items.add(Views.audit(e)));
          return new JsonObject().put("items", items);
        });
  }

  private void listTokens(RoutingContext ctx) {
    RouteSupport.blocking(
        vertx,
        ctx,
        () -> {
          JsonArray items = new JsonArray();
          tokens.list().forEach(t -> items.add(Views.token(t)));
          return new JsonObject().put("items", items);
        });
  }

  private void issueToken(RoutingContext ctx) {
    JsonObject body = RouteSupport.bodyObject(ctx);
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
}
