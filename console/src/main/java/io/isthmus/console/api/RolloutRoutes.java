package io.isthmus.console.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isthmus.console.FleetLoop;
import io.isthmus.console.auth.Role;
import io.isthmus.console.fleet.GatewayRegistry;
import io.isthmus.console.rollout.Rollout;
import io.isthmus.console.rollout.RolloutEngine;
import io.isthmus.console.rollout.RolloutSpec;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** Routes of {@code /api/v1/rollouts}; every engine call runs on the fleet thread. */
final class RolloutRoutes {
  private static final ObjectMapper SPEC_READER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private final RolloutEngine engine;
  private final GatewayRegistry gateways;
  private final FleetLoop loop;

  RolloutRoutes(RolloutEngine engine, GatewayRegistry gateways, FleetLoop loop) {
    this.engine = engine;
    this.gateways = gateways;
    this.loop = loop;
  }

  void register(Router router, Authenticator auth, BodyHandler json, String api) {
    RouteSupport.secured(router, auth, HttpMethod.GET, api + "/rollouts", Role.VIEWER, null)
        .handler(this::listRollouts);
    RouteSupport.secured(router, auth, HttpMethod.POST, api + "/rollouts", Role.OPERATOR, json)
        .handler(this::createRollout);
    RouteSupport.secured(router, auth, HttpMethod.GET, api + "/rollouts/:id", Role.VIEWER, null)
        .handler(this::getRollout);
    RouteSupport.secured(
            router, auth, HttpMethod.POST, api + "/rollouts/:id/pause", Role.OPERATOR, null)
        .handler(ctx -> command(ctx, (id, actor) -> engine.pause(id, actor)));
    RouteSupport.secured(
            router, auth, HttpMethod.POST, api + "/rollouts/:id/resume", Role.OPERATOR, null)
        .handler(ctx -> command(ctx, (id, actor) -> engine.resume(id, actor)));
    RouteSupport.secured(
            router, auth, HttpMethod.POST, api + "/rollouts/:id/abort", Role.OPERATOR, json)
        .handler(
            ctx -> {
              boolean rollback = RouteSupport.bodyObject(ctx).getBoolean("rollback", false);
              command(ctx, (id, actor) -> engine.abort(id, actor, rollback));
            });
  }

  private void listRollouts(RoutingContext ctx) {
    RouteSupport.respond(
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
    RouteSupport.respond(
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
    RouteSupport.respond(
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
}
