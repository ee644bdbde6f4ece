package io.isthmus.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.config.AgentConfigReader;
import io.isthmus.sim.model.VibrationAnomalyModel;
import io.isthmus.sim.profile.VibrationProfile;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts agents for integration tests and reads their metrics. */
final class AgentFixture {
  private AgentFixture() {}

  /** Fits the demo's vibration anomaly model on healthy windows and writes it to {@code dir}. */
  static Path vibrationModel(Path dir) throws IOException {
    Path file = dir.resolve("vibration-anomaly.onnx");
    VibrationAnomalyModel.fit(VibrationProfile.defaults(), 400, 42).write(file);
    return file;
  }

  static EdgeAgent start(Vertx vertx, String yaml, Path baseDir) throws Exception {
    return EdgeAgent.start(vertx, AgentConfigReader.parse(yaml, baseDir))
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  static void stop(EdgeAgent agent) throws Exception {
    if (agent != null) {
      agent
          .stop(Duration.ofSeconds(2))
          .toCompletionStage()
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
    }
  }

  /** GET {@code path} on the agent's HTTP port; returns status and body as "STATUS BODY". */
  static String get(Vertx vertx, int port, String path) throws Exception {
    WebClient client = WebClient.create(vertx);
    try {
      var response =
          client
              .get(port, "127.0.0.1", path)
              .send()
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      return response.statusCode() + " " + response.bodyAsString();
    } finally {
      client.close();
    }
  }

  static String scrape(Vertx vertx, int port) throws Exception {
    String response = get(vertx, port, "/metrics");
    assertThat(response).startsWith("200 ");
    return response.substring(4);
  }

  /**
   * The value of the exposition line {@code name{labels} value}, where {@code labels} is the exact
   * label text, e.g. {@code pipeline="p",reason="malformed_json"}; fails when there is no such
   * line.
   */
  static double value(String scrape, String name, String labels) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$")
            .matcher(scrape);
    assertThat(m.find()).as("line %s{%s} in\n%s", name, labels, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /** The value of the unlabelled exposition line {@code name value}; fails when there is none. */
  static double value(String scrape, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(scrape);
    assertThat(m.find()).as("line %s in\n%s", name, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  static boolean reachable(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
