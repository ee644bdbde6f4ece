package io.isthmus.console.api;

import io.isthmus.console.FleetLoop;
import io.isthmus.console.auth.Role;
import io.isthmus.console.fleet.GatewayRecord;
import io.isthmus.console.fleet.GatewayRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Routes of {@code /api/v1/gateways}. */
final class GatewayRoutes {
  private final GatewayRegistry gateways;
  private final FleetLoop loop;

  GatewayRoutes(GatewayRegistry gateways, FleetLoop loop) {
    this.gateways = gateways;
    this.loop = loop;
  }

  void register(Router router, Authenticator auth, BodyHandler json, String api) {
    RouteSupport.secured(router, auth, HttpMethod.GET, api + "/gateways", Role.VIEWER, null)
        .handler(this::listGateways);
    RouteSupport.secured(router, auth, HttpMethod.GET, api + "/gateways/:id", Role.VIEWER, null)
        .handler(this::getGateway);
    RouteSupport.secured(
            router, auth, HttpMethod.PUT, api + "/gateways/:id/labels", Role.OPERATOR, json)
        .handler(this::setLabels);
  }

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
    JsonObject body = RouteSupport.bodyObject(ctx);
    Map<String, String> labels = new HashMap<>();
    for (String key : body.fieldNames()) {
      if (!(body.getValue(key) instanceof String value)) {
        throw new ApiException(400, "label '" + key + "' must have a string value");
      }
      labels.put(key, value);
    }
    String id = ctx.pathParam("id");
    String actor = ctx.get(Authenticator.ACTOR);
    RouteSupport.respond(
        ctx,
        Future.fromCompletionStage(loop.call(() -> gateways.labels(id, labels, actor)))
            .map(
                g ->
                    Views.gateway(
                        g.orElseThrow(() -> new ApiException(404, "no gateway " + id)),
                        gateways.online(g.get()))));
  }
}
