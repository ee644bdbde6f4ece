package io.isthmus.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.protocol.manifest.TrustedKeys;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's web UI in headless Chromium, with real clicks against a real console (PostgreSQL,
 * MQTT broker, HTTP as in {@link ConsoleIT}) and eleven scripted gateways that follow their desired
 * state. An operator signs in, filters the gateways, uploads a model version, starts a rollout,
 * watches its waves advance, pauses and resumes it, finds every step in the audit history, and
 * aborts a second rollout. Screenshots of the pages are saved to {@code target/console-ui-*.png}.
 *
 * <p>Without {@code chromium} the test is skipped, unless {@code CI=true}, where it fails.
 */
@Timeout(240)
class ConsoleUiIT {
  private static final String ADMIN = "ui-admin-token-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path SCREENSHOTS = Path.of("target");

  @TempDir Path data;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<ScriptedGateway> gateways = new ArrayList<>();
  private ConsoleBackends backends;
  private Console console;
  private HeadlessChromium browser;

  @BeforeEach
  void start() throws Exception {
    Optional<Path> chromium = HeadlessChromium.binary();
    if (ConsoleBackends.CI) {
      assertThat(chromium)
          .as("CI=true needs chromium at /usr/bin/chromium or $CHROMIUM for the UI test")
          .isPresent();
    }
    Assumptions.assumeTrue(
        chromium.isPresent(),
        "skipped: no chromium at /usr/bin/chromium or $CHROMIUM (apt-get install chromium)");
    backends = ConsoleBackends.open();
    console = Console.start(backends.options(data.resolve("console"), ADMIN).build());
    browser = HeadlessChromium.launch(chromium.get(), data.resolve("chromium-profile"));
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
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
  void operatorUploadsRollsOutPausesAndResumesWithRealClicks() throws Exception {
    // GIVEN an operator token and ten gateways at plant-1 and one at plant-2, all serving 1
    String operator = issueOperatorToken();
    Path key = data.resolve("console.pem");
    Files.writeString(key, get("/api/v1/signing-key", operator));
    TrustedKeys trusted = TrustedKeys.load(key);
    String run = UUID.randomUUID().toString().substring(0, 6);
    for (int i = 0; i < 11; i++) {
      ScriptedGateway gateway =
          new ScriptedGateway(
              String.format("gw-%s-%02d", run, i),
              Map.of("site", i < 10 ? "plant-1" : "plant-2"),
              Set.of(),
              trusted,
              data,
              console.mqttUri());
      gateway.start();
      gateways.add(gateway);
    }

    // WHEN the operator opens the console: its files need no token, its API does
    HttpResponse<String> index = send("/", null);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("<script type=\"module\" src=\"js/main.js\">");
    assertThat(send("/js/main.js", null).headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
    assertThat(send("/api/v1/gateways", null).statusCode()).isEqualTo(401);
    assertThat(send("/no-such-page.html", null).statusCode()).isEqualTo(404);
    // AND the page asks for a token
    browser.open(console.url() + "/");
    browser.waitUntil("the sign-in form", "document.querySelector('#token')", WAIT);
    // AND signs in with a wrong token first: the API's refusal is shown
    browser.type("#token", "not-a-token");
    browser.click("#sign-in");
    browser.waitUntil(
        "the refusal",
        "document.querySelector('#sign-in-error').innerText.includes('not accepted')",
        WAIT);
    assertThat(browser.text("#sign-in-error")).contains("This token is not accepted");
    browser.type("#token", operator);
    browser.click("#sign-in");

    // THEN the gateways page lists all eleven, and the label filter narrows them to plant-2's one
    browser.waitUntil(
        "eleven gateways online",
        "document.querySelector('#gateway-count')?.innerText === '11 gateways match.'"
            + " && document.querySelectorAll('tr[data-gateway] .badge-online').length === 11",
        WAIT);
    browser.screenshot(SCREENSHOTS.resolve("console-ui-gateways.png"));
    browser.type("#filter-label", "site=plant-2");
    browser.click("#apply-filters");
    browser.waitUntil(
        "the plant-2 gateway alone",
        "document.querySelector('#gateway-count').innerText === '1 gateway match.'",
        WAIT);
    assertThat(browser.text("tr[data-gateway]")).contains(gateways.get(10).id(), "site=plant-2");

    // WHEN the operator uploads version 2 of the model on the models page
    browser.click("a[data-section=models]");
    Path modelFile = data.resolve("vibration.onnx");
    Files.writeString(modelFile, "onnx bytes of version 2");
    browser.type("#model-name", "vibration");
    browser.type("#model-version", "2");
    browser.setFile("#model-file", modelFile);
    browser.click("#upload");
    // THEN the console says it signed it, and the version is listed
    browser.waitUntil(
        "version 2 in the list",
        "document.querySelector('#versions tr[data-version=\"2\"]')",
        WAIT);
    assertThat(browser.text("#upload-status"))
        .matches("Uploaded vibration 2 \\(ONNX, \\d+ B\\), signed with key [0-9a-f]+\\.");
    assertThat(browser.text("#versions tr[data-version=\"2\"]")).contains("ONNX", "ops");

    // WHEN a rollout of 2 to plant-1 starts in ten waves of one gateway each
    browser.click("a[data-section=rollouts]");
    browser.waitUntil("the rollout list", "document.querySelector('#rollout-list table')", WAIT);
    browser.type("#ro-name", "vibration 2 to plant-1");
    browser.type("#ro-pipeline", ScriptedGateway.PIPELINE);
    browser.choose("#ro-model", "vibration");
    browser.choose("#ro-version", "2");
    browser.type("#ro-selector", "site=plant-1");
    browser.type("#ro-waves", "10, 20, 30, 40, 50, 60, 70, 80, 90, 100");
    browser.type("#ro-min-runs", "40");
    browser.screenshot(SCREENSHOTS.resolve("console-ui-new-rollout.png"));
    browser.click("#start-rollout");

    // THEN its page shows it running, and the waves advance one by one
    browser.waitUntil("the rollout page", "document.querySelector('h1 .badge-running')", WAIT);
    assertThat(browser.text("h1")).contains("vibration 2 to plant-1");
    assertThat(browser.text("[data-total=targeted] dd")).isEqualTo("10");
    browser.waitUntil(
        "wave 1 done with one gateway updated",
        "document.querySelector('[data-wave=\"1\"]').dataset.state === 'done'"
            + " && document.querySelector('[data-wave=\"1\"]').dataset.succeeded === '1'",
        WAIT);
    browser.waitUntil(
        "wave 3 under way",
        "document.querySelector('[data-wave=\"3\"]').dataset.state === 'current'",
        WAIT);
    int succeededBeforePause = Integer.parseInt(browser.text("[data-total=succeeded] dd"));
    assertThat(succeededBeforePause).isBetween(2, 9);

    // WHEN the operator pauses it
    browser.click("#pause");
    // THEN the page says paused, offers resume, and no further wave starts
    browser.waitUntil("the paused badge", "document.querySelector('h1 .badge-paused')", WAIT);
    browser.waitUntil("resume offered", "!document.querySelector('#resume').disabled", WAIT);
    assertThat((Boolean) browser.eval("document.querySelector('#pause').disabled")).isTrue();
    String pausedWave = browser.eval("document.querySelector('#waves').dataset.current").toString();
    browser.waitUntil(
        "the pause in the rollout's history",
        "document.querySelector('#rollout-audit tr[data-action=paused]')",
        WAIT);
    Thread.sleep(2000);
    JsonObject paused = new JsonObject(get("/api/v1/rollouts/" + rolloutId(), operator));
    assertThat(paused.getString("state")).isEqualTo("paused");
    assertThat(String.valueOf(paused.getInteger("currentWave"))).isEqualTo(pausedWave);
    assertThat(browser.text("#rollout-audit tr[data-action=paused]")).contains("ops");
    browser.screenshot(SCREENSHOTS.resolve("console-ui-rollout.png"));

    // WHEN it is resumed, THEN it runs to completion: every plant-1 gateway serves 2
    browser.click("#resume");
    browser.waitUntil("the completed badge", "document.querySelector('h1 .badge-completed')", WAIT);
    browser.waitUntil(
        "ten gateways succeeded",
        "document.querySelector('[data-total=succeeded] dd').innerText === '10'",
        WAIT);
    assertThat((Boolean) browser.eval("document.querySelector('#abort').disabled")).isTrue();
    assertThat(gateways.subList(0, 10)).allMatch(g -> g.active().equals("2"));
    assertThat(gateways.get(10).active()).isEqualTo("1");
    browser.screenshot(SCREENSHOTS.resolve("console-ui-rollout-completed.png"));

    // AND the audit page holds every step, with who took it
    browser.click("a[data-section=audit]");
    browser.waitUntil(
        "the completed entry",
        "document.querySelector('#audit-table tr[data-action=completed]')",
        WAIT);
    assertThat(browser.text("#audit-table tr[data-action=created]")).contains("ops", "#");
    assertThat(browser.text("#audit-table tr[data-action=paused]"))
        .contains("ops", "paused in wave");
    assertThat(browser.text("#audit-table tr[data-action=resumed]")).contains("ops");

    // WHEN a second rollout, too strict to pass its first wave soon, is aborted from its page
    HttpResponse<String> upload3 = uploadVersion(operator, "3");
    assertThat(upload3.statusCode()).as(upload3.body()).isEqualTo(201);
    long second = startRollout(operator, "3");
    browser.click("a[data-section=rollouts]");
    browser.click("tr[data-rollout=\"" + second + "\"] a");
    browser.waitUntil(
        "the second rollout running", "document.querySelector('h1 .badge-running')", WAIT);
    browser.click("#abort");
    browser.click("#abort-rollback");
    browser.click("#confirm-abort");
    // THEN it is aborted with its gateways sent back, and the audit history says who did it
    browser.waitUntil("the aborted badge", "document.querySelector('h1 .badge-aborted')", WAIT);
    browser.waitUntil(
        "the abort in the rollout's history",
        "document.querySelector('#rollout-audit tr[data-action=aborted]')",
        WAIT);
    assertThat(browser.text("#rollout-audit tr[data-action=aborted]"))
        .contains("ops", "aborted; rolling back");
    assertThat((Boolean) browser.eval("document.querySelector('#resume').disabled")).isTrue();
    assertThat(browser.pageErrors()).isEmpty();
  }

  private HttpResponse<String> uploadVersion(String token, String version) throws Exception {
    String boundary = "----isthmus" + UUID.randomUUID();
    String body =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"version\"\r\n\r\n"
            + version
            + "\r\n--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"model\"; filename=\"model.onnx\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\nonnx bytes of version "
            + version
            + "\r\n--"
            + boundary
            + "--\r\n";
    return http.send(
        HttpRequest.newBuilder(URI.create(console.url() + "/api/v1/models/vibration/versions"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private long startRollout(String token, String version) throws Exception {
    JsonObject spec =
        new JsonObject()
            .put("pipeline", ScriptedGateway.PIPELINE)
            .put("modelName", "vibration")
            .put("modelVersion", version)
            .put("selector", new JsonObject().put("site", "plant-1"))
            .put("healthGate", new JsonObject().put("minRuns", 100_000));
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(URI.create(console.url() + "/api/v1/rollouts"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(spec.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body()).getLong("id");
  }

  private long rolloutId() {
    return Long.parseLong(browser.eval("location.hash.replace('#/rollouts/', '')").toString());
  }

  private String issueOperatorToken() throws Exception {
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(URI.create(console.url() + "/api/v1/tokens"))
                .header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        new JsonObject().put("name", "ops").put("role", "operator").encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body()).getString("token");
  }

  private String get(String path, String token) throws Exception {
    HttpResponse<String> response = send(path, token);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<String> send(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(console.url() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
