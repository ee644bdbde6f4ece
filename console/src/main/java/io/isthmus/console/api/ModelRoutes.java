package io.isthmus.console.api;

import io.isthmus.console.auth.Role;
import io.isthmus.console.registry.ArtifactUrls;
import io.isthmus.console.registry.ModelRegistry;
import io.isthmus.console.registry.ModelUpload;
import io.isthmus.console.registry.ModelVersion;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.List;

/** Routes of the model registry, the signing key and the gateways' package downloads. */
final class ModelRoutes {
  private final Vertx vertx;
  private final ModelRegistry models;
  private final ArtifactUrls urls;
  private final BodyHandler multipart;

  ModelRoutes(Vertx vertx, ModelRegistry models, ArtifactUrls urls, BodyHandler multipart) {
    this.vertx = vertx;
    this.models = models;
    this.urls = urls;
    this.multipart = multipart;
  }

  void register(Router router, Authenticator auth, BodyHandler json, String api) {
    router.get("/artifacts/:token/:sha/*").handler(this::artifact);
    RouteSupport.secured(router, auth, HttpMethod.GET, api + "/models", Role.VIEWER, null)
        .handler(this::listModels);
    RouteSupport.secured(
            router, auth, HttpMethod.GET, api + "/models/:name/versions", Role.VIEWER, null)
        .handler(this::listVersions);
    RouteSupport.secured(
            router, auth, HttpMethod.POST, api + "/models/:name/versions", Role.OPERATOR, multipart)
        .handler(this::upload);
    RouteSupport.secured(
            router,
            auth,
            HttpMethod.GET,
            api + "/models/:name/versions/:version",
            Role.VIEWER,
            null)
        .handler(this::getVersion);
    RouteSupport.secured(
            router,
            auth,
            HttpMethod.GET,
            api + "/models/:name/versions/:version/download",
            Role.VIEWER,
            null)
        .handler(this::download);
    RouteSupport.secured(router, auth, HttpMethod.GET, api + "/signing-key", Role.VIEWER, null)
        .handler(this::signingKey);
  }

  private void listModels(RoutingContext ctx) {
    RouteSupport.blocking(
        vertx, ctx, () -> new JsonObject().put("items", new JsonArray(models.models())));
  }

  private void listVersions(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    RouteSupport.blocking(
        vertx,
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
    RouteSupport.blocking(vertx, ctx, () -> Views.version(requireVersion(name, version)));
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
}
