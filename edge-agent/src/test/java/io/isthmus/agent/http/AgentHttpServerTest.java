package io.isthmus.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.metrics.AgentMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AgentHttpServerTest {

  private static HttpResponse<Buffer> get(WebClient client, int port, String path)
      throws Exception {
    return client
        .get(port, "127.0.0.1", path)
        .send()
        .toCompletionStage()
        .toCompletableFuture()
        .get();
  }

  @Test
  void readyIs503WithWhatIsMissingThen200(Vertx vertx) throws Exception {
    // GIVEN a server whose readiness is a map we change
    Map<String, String> missing = new LinkedHashMap<>(Map.of("mqtt", "not connected to tcp://x:1"));
    try (AgentMetrics metrics = new AgentMetrics()) {
      metrics.pipeline("p").received();
      AgentHttpServer server =
          AgentHttpServer.start(vertx, "127.0.0.1", 0, () -> Map.copyOf(missing), metrics)
              .toCompletionStage()
              .toCompletableFuture()
              .get();
      WebClient client = WebClient.create(vertx);

      // WHEN / THEN
      HttpResponse<Buffer> notReady = get(client, server.port(), "/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.bodyAsString())
          .isEqualTo(
              "{\"status\":\"NOT_READY\",\"notReady\":{\"mqtt\":\"not connected to tcp://x:1\"}}");
      missing.clear();
      assertThat(get(client, server.port(), "/ready").statusCode()).isEqualTo(200);
      assertThat(get(client, server.port(), "/health").bodyAsString())
          .isEqualTo("{\"status\":\"UP\"}");
      HttpResponse<Buffer> scrape = get(client, server.port(), "/metrics");
      assertThat(scrape.getHeader("content-type")).startsWith("text/plain");
      assertThat(scrape.bodyAsString())
          .contains("isthmus_events_received_total{pipeline=\"p\"} 1.0")
          .contains("jvm_threads_live_threads");
      client.close();
      server.stop().toCompletionStage().toCompletableFuture().get();
    }
  }
}
