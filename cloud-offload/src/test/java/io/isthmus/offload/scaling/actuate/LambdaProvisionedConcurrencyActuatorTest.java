package io.isthmus.offload.scaling.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The AWS SDK's Lambda client, pointed at a local HTTP server that records each request and answers
 * as the Lambda API does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LambdaProvisionedConcurrencyActuatorTest {
  private record Recorded(
      String method, String path, String query, String body, String authorization) {}

  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 202;
  private volatile String errorType;
  private HttpServer server;
  private LambdaClient lambda;
  private ExecutorService executor;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
    lambda =
        LambdaClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .region(Region.EU_WEST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    executor = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() {
    executor.shutdownNow();
    lambda.close();
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(
        new Recorded(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getRawPath(),
            exchange.getRequestURI().getRawQuery(),
            body,
            exchange.getRequestHeaders().getFirst("Authorization")));
    String reply = "";
    if (errorType != null) {
      exchange.getResponseHeaders().add("x-amzn-ErrorType", errorType);
      reply = "{\"Type\":\"User\",\"message\":\"Function not found\"}";
    } else if (exchange.getRequestMethod().equals("PUT")) {
      int requested =
          new ObjectMapper().readTree(body).get("ProvisionedConcurrentExecutions").asInt();
      reply =
          "{\"RequestedProvisionedConcurrentExecutions\":"
              + requested
              + ",\"AvailableProvisionedConcurrentExecutions\":0"
              + ",\"AllocatedProvisionedConcurrentExecutions\":0"
              + ",\"Status\":\"IN_PROGRESS\",\"LastModified\":\"2026-11-23T22:00:00+0000\"}";
    }
    byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Test
  void putsProvisionedConcurrencyOnTheAlias() throws IOException {
    LambdaProvisionedConcurrencyActuator actuator =
        new LambdaProvisionedConcurrencyActuator(lambda, "isthmus-infer", "live", executor);

    int applied = actuator.apply(6).join();

    assertThat(applied).isEqualTo(6);
    assertThat(requests).hasSize(1);
    Recorded request = requests.get(0);
    assertThat(request.method()).isEqualTo("PUT");
    assertThat(request.path())
        .isEqualTo("/2019-09-30/functions/isthmus-infer/provisioned-concurrency");
    assertThat(request.query()).isEqualTo("Qualifier=live");
    JsonNode body = new ObjectMapper().readTree(request.body());
    assertThat(body.get("ProvisionedConcurrentExecutions").asInt()).isEqualTo(6);
    assertThat(body.size()).isEqualTo(1);
    // signed with SigV4 for the Lambda service in the client's region
    assertThat(request.authorization())
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        .contains("/eu-west-1/lambda/aws4_request");
  }

  @Test
  void zeroDeletesTheConfigurationBecauseLambdaTakesNoZero() {
    status = 204;
    LambdaProvisionedConcurrencyActuator actuator =
        new LambdaProvisionedConcurrencyActuator(lambda, "isthmus-infer", "7", executor);

    int applied = actuator.apply(0).join();

    assertThat(applied).isZero();
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).method()).isEqualTo("DELETE");
    assertThat(requests.get(0).path())
        .isEqualTo("/2019-09-30/functions/isthmus-infer/provisioned-concurrency");
    assertThat(requests.get(0).query()).isEqualTo("Qualifier=7");
  }

  @Test
  void aRefusalFailsTheFutureWithTheStatusAndErrorCode() {
    status = 404;
    errorType = "ResourceNotFoundException";
    LambdaProvisionedConcurrencyActuator actuator =
        new LambdaProvisionedConcurrencyActuator(lambda, "absent", "live", executor);

    assertThatThrownBy(() -> actuator.apply(3).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(ActuationException.class)
        .hasMessageContaining("lambda:absent:live")
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("ResourceNotFoundException");
  }

  @Test
  void latestCannotTakeProvisionedConcurrency() {
    assertThatThrownBy(
            () -> new LambdaProvisionedConcurrencyActuator(lambda, "f", "$LATEST", executor))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$LATEST");
  }
}
