package io.isthmus.console.api;

import io.isthmus.console.auth.Role;
import io.isthmus.console.registry.RegistryException;
import io.isthmus.console.rollout.RolloutException;
import io.isthmus.console.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every route group shares: the token guard, JSON bodies, responses and error mapping. */
final class RouteSupport {
  private static final Logger LOG = LoggerFactory.getLogger(RouteSupport.class);

  private RouteSupport() {}

  /**
   * A route that checks the token first (on a route of its own, so an upload is refused before its
   * body is read), then reads the body if {@code body} is given.
   */
  static Route secured(
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

  static JsonObject bodyObject(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return new JsonObject();
    }
    try {
      return ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw new ApiException(400, "the body is not a JSON object: " + e.getMessage());
    }
  }

  static void blocking(Vertx vertx, RoutingContext ctx, Callable<JsonObject> work) {
    respond(ctx, vertx.executeBlocking(work, false));
  }

  static void respond(RoutingContext ctx, Future<JsonObject> result) {
    result.onSuccess(ctx::json).onFailure(ctx::fail);
  }

  /** The failure handler: maps exceptions to a status and a JSON error. */
  static void failure(RoutingContext ctx) {
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
