package io.isthmus.offload.core;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.isthmus.offload.auth.BearerAuthenticator;
import io.isthmus.offload.metrics.OffloadMetrics;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.oip.OipBody;
import io.isthmus.protocol.oip.OipCodec;
import io.isthmus.protocol.oip.OipMetadataCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes Open Inference Protocol v2 HTTP requests to the {@link InferenceService}, for any
 * transport: {@code GET v2}, {@code v2/health/live}, {@code v2/health/ready}, {@code
 * v2/models/{m}[/versions/{v}]}, {@code .../ready}, and {@code POST .../infer}. Every route but the
 * health checks needs a bearer token when an authenticator is configured. Every reply, errors
 * included, is counted in the metrics; errors carry the protocol's {@code {"error": "..."}} body.
 */
public final class OipRouter {
  private static final Logger LOG = LoggerFactory.getLogger(OipRouter.class);
  private static final String ROUTES =
      "GET /v2, /v2/health/live, /v2/health/ready, /v2/models/{m}[/versions/{v}][/ready],"
          + " POST /v2/models/{m}[/versions/{v}]/infer";

  private final InferenceService service;
  private final Optional<BearerAuthenticator> authenticator;
  private final OffloadMetrics metrics;

  public OipRouter(
      InferenceService service,
      Optional<BearerAuthenticator> authenticator,
      OffloadMetrics metrics) {
    this.service = service;
    this.authenticator = authenticator;
    this.metrics = metrics;
  }

  /**
   * Answers one request; {@code header} looks a header up by name, case-insensitively (null when
   * absent). The future never fails: failures become error replies.
   */
  public CompletableFuture<OipReply> handle(
      String method, String path, Function<String, String> header, byte[] body) {
    long start = System.nanoTime();
    List<String> parts = segments(path);
    // only configured names become metric labels, so arbitrary paths cannot flood the registry
    String model =
        parts.size() >= 3 && parts.get(1).equals("models") && service.serves(parts.get(2))
            ? parts.get(2)
            : "";
    CompletableFuture<OipReply> reply;
    try {
      reply = route(method, parts, header, body);
    } catch (OffloadException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return reply
        .exceptionally(failure -> errorReply(InferenceService.toOffloadException(failure), model))
        .thenApply(
            r -> {
              metrics.request(model, r.status(), System.nanoTime() - start);
              return r;
            });
  }

  private CompletableFuture<OipReply> route(
      String method, List<String> parts, Function<String, String> header, byte[] body)
      throws OffloadException {
    if (parts.isEmpty() || !parts.get(0).equals("v2")) {
      throw notFound(parts);
    }
    if (parts.size() == 3 && parts.get(1).equals("health")) {
      requireMethod(method, "GET");
      boolean ok =
          switch (parts.get(2)) {
            case "live" -> true;
            case "ready" -> service.ready();
            default -> throw notFound(parts);
          };
      String field = parts.get(2);
      return done(
          new OipReply(ok ? 200 : 503, flag(field, ok), OipBody.JSON_CONTENT_TYPE, Map.of()));
    }
    if (authenticator.isPresent()) {
      authenticator.get().authenticate(header.apply("Authorization"));
    }
    if (parts.size() == 1) {
      requireMethod(method, "GET");
      return done(OipReply.json(OipMetadataCodec.encodeServer(service.serverMetadata())));
    }
    if (parts.size() < 3 || !parts.get(1).equals("models")) {
      throw notFound(parts);
    }
    String name = parts.get(2);
    List<String> rest = parts.subList(3, parts.size());
    Optional<String> version = Optional.empty();
    if (rest.size() >= 2 && rest.get(0).equals("versions")) {
      version = Optional.of(rest.get(1));
      rest = rest.subList(2, rest.size());
    }
    if (rest.isEmpty()) {
      requireMethod(method, "GET");
      return service
          .modelMetadata(name, version)
          .thenApply(m -> OipReply.json(OipMetadataCodec.encode(m)));
    }
    if (rest.size() == 1 && rest.get(0).equals("ready")) {
      requireMethod(method, "GET");
      boolean ok = service.modelReady(name, version);
      ObjectNode json = JsonNodeFactory.instance.objectNode().put("name", name).put("ready", ok);
      return done(new OipReply(ok ? 200 : 503, bytes(json), OipBody.JSON_CONTENT_TYPE, Map.of()));
    }
    if (rest.size() == 1 && rest.get(0).equals("infer")) {
      requireMethod(method, "POST");
      OptionalInt headerLength;
      try {
        headerLength = OipCodec.parseHeaderLength(header.apply(OipBody.HEADER_CONTENT_LENGTH));
      } catch (ProtocolException e) {
        throw new OffloadException(400, e.getMessage(), e);
      }
      return service.infer(name, version, body, headerLength).thenApply(OipReply::of);
    }
    throw notFound(parts);
  }

  private OipReply errorReply(OffloadException e, String model) {
    if (e.status() >= 500) {
      LOG.warn("model={} status={} error={}", model, e.status(), e.getMessage(), e.getCause());
    } else {
      LOG.debug("model={} status={} error={}", model, e.status(), e.getMessage());
    }
    return OipReply.error(e);
  }

  private static List<String> segments(String path) {
    String clean = path;
    int query = clean.indexOf('?');
    if (query >= 0) {
      clean = clean.substring(0, query);
    }
    return java.util.Arrays.stream(clean.split("/")).filter(s -> !s.isEmpty()).toList();
  }

  private static void requireMethod(String method, String expected) throws OffloadException {
    if (!expected.equalsIgnoreCase(method)) {
      throw new OffloadException(405, "Method " + method + " is not allowed here, use " + expected);
    }
  }

  private static OffloadException notFound(List<String> parts) {
    return new OffloadException(
        404, "No route /" + String.join("/", parts) + "; the routes are " + ROUTES);
  }

  private static byte[] flag(String field, boolean value) {
    return bytes(JsonNodeFactory.instance.objectNode().put(field, value));
  }

  private static byte[] bytes(ObjectNode json) {
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static CompletableFuture<OipReply> done(OipReply reply) {
    return CompletableFuture.completedFuture(reply);
  }
}
