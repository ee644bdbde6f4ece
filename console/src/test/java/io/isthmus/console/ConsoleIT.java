package io.isthmus.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.protocol.manifest.TrustedKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console end to end: real PostgreSQL (embedded, or with {@code CI=true} the machine's), a real
 * MQTT broker (embedded Moquette, or with {@code CI=true} Mosquitto at 127.0.0.1:1883), real HTTP,
 * and 21 scripted gateways that follow their desired state. A rollout whose canary fails the health
 * gate halts and rolls back by itself; a good one completes; the audit history says why.
 */
@Timeout(180)
class ConsoleIT {
  private static final String ADMIN = "it-admin-token-0123456789";

  @TempDir Path data;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<ScriptedGateway> gateways = new ArrayList<>();
  private ConsoleBackends backends;
  private Console console;
  private ConsoleOptions.Builder options;
  private String operator;
  private String run;

  @BeforeEach
  void start() throws Exception {
    run = UUID.randomUUID().toString().substring(0, 8);
    backends = ConsoleBackends.open();
    options = backends.options(data.resolve("console"), ADMIN);
    console = Console.start(options.build());
  }

  @AfterEach
  void stop() throws Exception {
    for (ScriptedGateway gateway : gateways) {
      gateway.close();
    }
    if (console != null) {
      console.close();
    }
    if (backends != null) {
      backends.close();
    }
  }

  @Test
  void failingCanaryHaltsByItselfAndAGoodRolloutCompletes() throws Exception {
    // GIVEN tokens: no token and a viewer token are refused where they must be
    assertThat(call("GET", "/api/v1/gateways", null, null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/health/live", null, null).statusCode()).isEqualTo(200);
    waitFor(() -> call("GET", "/health/ready", null, null).statusCode() == 200);
    operator =
        json(call(
                "POST",
                "/api/v1/tokens",
                ADMIN,
                new JsonObject().put("name", "ops").put("role", "operator")))
            .getString("token");
    String viewer =
        json(call(
                "POST",
                "/api/v1/tokens",
                ADMIN,
                new JsonObject().put("name", "eyes").put("role", "viewer")))
            .getString("token");
    HttpResponse<String> forbidden = call("POST", "/api/v1/rollouts", viewer, new JsonObject());
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(forbidden.body()).contains("has role viewer; this needs operator");

    // AND versions 1 (what gateways run), 2 (fails half its runs on gateways) and 3 (good)
    for (String version : List.of("1", "2", "3")) {
      HttpResponse<String> created =
          upload(
              "vibration",
              version,
              ("onnx bytes of version " + version).getBytes(StandardCharsets.UTF_8));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }
    assertThat(upload("vibration", "3", new byte[] {1}).statusCode()).isEqualTo(409);
    JsonObject v3 = json(call("GET", "/api/v1/models/vibration/versions/3", viewer, null));
    assertThat(v3.getString("downloadUrl")).startsWith(console.url() + "/artifacts/");

    // AND 20 gateways at plant-1 and one at plant-2, trusting the console's key
    Path key = data.resolve("console.pem");
    Files.writeString(key, call("GET", "/api/v1/signing-key", viewer, null).body());
    TrustedKeys trusted = TrustedKeys.load(key);
    for (int i = 0; i < 21; i++) {
      String site = i < 20 ? "plant-1" : "plant-2";
      ScriptedGateway gateway =
          new ScriptedGateway(
              String.format("gw-%s-%02d", run, i),
              Map.of("site", site),
              Set.of("2"),
              trusted,
              data,
              console.mqttUri());
      gateway.start();
      gateways.add(gateway);
    }
    waitFor(
        () ->
            json(call("GET", "/api/v1/gateways?label=site=plant-1&state=online", viewer, null))
                    .getInteger("count")
                == 20);
    JsonObject one = json(call("GET", "/api/v1/gateways/" + gateways.get(0).id(), viewer, null));
    assertThat(one.getJsonObject("pipelines").getJsonObject("vib").getString("activeVersion"))
        .isEqualTo("1");
    assertThat(one.getString("platform")).isEqualTo("linux-x86_64");

    // WHEN version 2 rolls out to plant-1
    JsonObject bad = rollout("2");
    // THEN the canary fails the health gate, the rollout halts and sends it back to 1
    JsonObject halted =
        waitForRollout(bad.getLong("id"), r -> r.getString("state").equals("halted"));
    assertThat(halted.getString("reason")).startsWith("error threshold: 1 of 1 gateways failed");
    assertThat(halted.getJsonObject("totals").getInteger("reached")).isEqualTo(1);
    assertThat(halted.getJsonArray("failures").getJsonObject(0).getString("reason"))
        .contains("health gate: error rate 50.0%");
    JsonArray audit =
        json(call("GET", "/api/v1/audit?rollout=" + bad.getLong("id"), viewer, null))
            .getJsonArray("items");
    assertThat(audit.stream().map(JsonObject.class::cast).map(e -> e.getString("action")))
        .contains("created", "gateways-reached", "gateway-failed", "halted", "rolled-back");
    assertThat(audit.getJsonObject(0).getString("detail")).contains("{1=1}").doesNotContain("keep");
    waitFor(() -> gateways.stream().allMatch(g -> g.active().equals("1")));

    // WHEN version 3 rolls out, paused at once, and resumed after a console restart
    JsonObject good = rollout("3");
    long id = good.getLong("id");
    assertThat(
            json(call("POST", "/api/v1/rollouts/" + id + "/pause", operator, null))
                .getString("state"))
        .isEqualTo("paused");
    assertThat(call("POST", "/api/v1/rollouts/" + id + "/pause", operator, null).statusCode())
        .isEqualTo(409);
    // AND the console restarts meanwhile: rollout, tokens, gateways and keys come back from the
    // store
    int port = console.port(); // package URLs already handed out name it: keep it
    console.close();
    console = Console.start(options.port(port).build());
    assertThat(json(call("GET", "/api/v1/rollouts/" + id, operator, null)).getString("state"))
        .isEqualTo("paused");
    assertThat(
            json(call("POST", "/api/v1/rollouts/" + id + "/resume", operator, null))
                .getString("state"))
        .isEqualTo("running");
    // THEN it completes: every plant-1 gateway serves 3, the plant-2 one still 1
    JsonObject done = waitForRollout(id, r -> r.getString("state").equals("completed"));
    assertThat(done.getJsonObject("totals").getInteger("succeeded")).isEqualTo(20);
    assertThat(
            done.getJsonArray("waves").stream()
                .map(JsonObject.class::cast)
                .map(w -> w.getInteger("succeeded")))
        .containsExactly(1, 1, 8, 10);
    assertThat(gateways.subList(0, 20)).allMatch(g -> g.active().equals("3"));
    assertThat(gateways.get(20).active()).isEqualTo("1");
    waitFor(
        () ->
            json(call("GET", "/api/v1/gateways?version=3", viewer, null)).getInteger("count")
                == 20);

    // AND the package is served with ETag and Range for resumable downloads
    String file = v3.getString("downloadUrl") + "/model.onnx";
    HttpResponse<String> whole =
        http.send(
            HttpRequest.newBuilder(URI.create(file)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(whole.body()).isEqualTo("onnx bytes of version 3");
    String etag = whole.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> part =
        http.send(
            HttpRequest.newBuilder(URI.create(file)).header("Range", "bytes=5-").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).isEqualTo("bytes of version 3");
    assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 5-22/23");
    HttpResponse<String> last =
        http.send(
            HttpRequest.newBuilder(URI.create(file)).header("Range", "bytes=-9").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(last.body()).isEqualTo("version 3");
    HttpResponse<String> beyond =
        http.send(
            HttpRequest.newBuilder(URI.create(file)).header("Range", "bytes=23-").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */23");
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(file)).header("If-None-Match", etag).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(304);
    String forged =
        file.replaceFirst("/artifacts/[0-9a-f]+/", "/artifacts/00000000000000000000000000000000/");
    assertThat(
            http.send(
                    HttpRequest.newBuilder(URI.create(forged)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(403);
  }

  private JsonObject rollout(String version) throws Exception {
    JsonObject spec =
        new JsonObject()
            .put("pipeline", ScriptedGateway.PIPELINE)
            .put("modelName", "vibration")
            .put("modelVersion", version)
            .put("selector", new JsonObject().put("site", "plant-1"))
            .put("gatewayTimeoutSeconds", 60)
            .put("healthGate", new JsonObject().put("minRuns", 20));
    HttpResponse<String> created = call("POST", "/api/v1/rollouts", operator, spec);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body());
  }

  private JsonObject waitForRollout(long id, Predicate<JsonObject> done) throws Exception {
    JsonObject[] last = new JsonObject[1];
    waitFor(
        () -> {
          last[0] = json(call("GET", "/api/v1/rollouts/" + id, operator, null));
          return done.test(last[0]);
        });
    return last[0];
  }

  private HttpResponse<String> upload(String model, String version, byte[] bytes) throws Exception {
    String boundary = "----isthmus" + UUID.randomUUID();
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"version\"\r\n\r\n"
            + version
            + "\r\n"
            + "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"model\"; filename=\"model.onnx\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n";
    String tail = "\r\n--" + boundary + "--\r\n";
    byte[] body = new byte[head.length() + bytes.length + tail.length()];
    System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, body, 0, head.length());
    System.arraycopy(bytes, 0, body, head.length(), bytes.length);
    System.arraycopy(
        tail.getBytes(StandardCharsets.US_ASCII),
        0,
        body,
        head.length() + bytes.length,
        tail.length());
    return http.send(
        HttpRequest.newBuilder(URI.create(console.url() + "/api/v1/models/" + model + "/versions"))
            .header("Authorization", "Bearer " + operator)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> call(String method, String path, String token, JsonObject body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(console.url() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject json(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return new JsonObject(response.body());
  }

  @FunctionalInterface
  private interface Check {
    boolean ok() throws Exception;
  }

  private static void waitFor(Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(100);
    }
  }
}
