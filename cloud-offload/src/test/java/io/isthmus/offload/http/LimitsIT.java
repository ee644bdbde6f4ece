package io.isthmus.offload.http;

import static io.isthmus.offload.http.OipServerIT.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.isthmus.offload.auth.BearerAuthenticator;
import io.isthmus.offload.auth.JwtOptions;
import io.isthmus.offload.batch.BatchingOptions;
import io.isthmus.offload.core.OffloadOptions;
import io.isthmus.offload.model.ModelSource;
import io.isthmus.offload.testing.AffineModel;
import io.isthmus.offload.testing.OipClient;
import io.isthmus.offload.testing.RunningFunction;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The concurrency limit (429) and bearer authentication (401) over real HTTP. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LimitsIT {
  private static final byte[] SECRET =
      "limits-it-secret-with-more-than-32-bytes".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private OffloadOptions options(int maxConcurrency, Duration queueDelay) {
    return OffloadOptions.of(
            List.of(ModelSource.parse("affine=" + AffineModel.write(dir, "affine"))),
            dir.resolve("cache"))
        .withBatching(new BatchingOptions(64, queueDelay, Optional.empty(), 1))
        .withMaxConcurrency(maxConcurrency);
  }

  @Test
  void overTheConcurrencyLimitAnswers429WithRetryAfterAndThenServesAgain() throws Exception {
    // GIVEN a limit of 2 and a queue delay that holds requests in flight for a second
    try (RunningFunction server = RunningFunction.start(options(2, Duration.ofSeconds(1)))) {
      OipClient client = server.client();
      float[] x = {1, 2, 3, 4};
      CompletableFuture<HttpResponse<byte[]>> first =
          client.postAsync("/v2/models/affine/infer", OipClient.affineRequest(x, false));
      CompletableFuture<HttpResponse<byte[]>> second =
          client.postAsync("/v2/models/affine/infer", OipClient.affineRequest(x, false));
      while (server.function().service().inFlight() < 2) {
        Thread.sleep(5);
      }

      // WHEN a third arrives while both wait in the queue
      HttpResponse<byte[]> third =
          client.postAsync("/v2/models/affine/infer", OipClient.affineRequest(x, false)).get();

      // THEN it gets 429 with Retry-After, the two complete, and the next request succeeds
      assertError(third, 429, "requests in flight");
      assertThat(third.headers().firstValue("Retry-After")).contains("1");
      assertThat(first.get().statusCode()).isEqualTo(200);
      assertThat(second.get().statusCode()).isEqualTo(200);
      HttpResponse<byte[]> after =
          client.postAsync("/v2/models/affine/infer", OipClient.affineRequest(x, false)).get();
      assertThat(OipClient.decode(after).output("y").toFloatArray()).containsExactly(3, 5, 7, 9);
      assertThat(server.metric("isthmus_offload_errors_total{status=\"429\"")).isEqualTo(1);
    }
  }

  @Test
  void bearerTokensAreCheckedOnEveryRouteButHealth() throws Exception {
    BearerAuthenticator auth =
        BearerAuthenticator.create(
            new JwtOptions(
                Optional.of(SECRET), Optional.empty(), Optional.of("isthmus"), Optional.empty()));
    try (RunningFunction server =
        RunningFunction.start(options(16, Duration.ZERO), Optional.of(auth))) {
      OipClient anonymous = server.client();
      float[] x = {0, 0, 0, 0};

      assertThat(anonymous.get("/v2/health/ready").statusCode()).isEqualTo(200);
      HttpResponse<byte[]> missing =
          anonymous.postAsync("/v2/models/affine/infer", OipClient.affineRequest(x, false)).get();
      assertError(missing, 401, "Missing bearer token");
      assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      assertError(anonymous.get("/v2/models/affine"), 401, "Missing bearer token");

      OipClient expired = new OipClient(server.port()).withToken(token(SECRET, -120));
      assertError(
          expired.postAsync("/v2/models/affine/infer", OipClient.affineRequest(x, false)).get(),
          401,
          "Expired");
      byte[] wrongSecret =
          "a-different-secret-with-more-than-32-bytes".getBytes(StandardCharsets.UTF_8);
      OipClient forged = new OipClient(server.port()).withToken(token(wrongSecret, 300));
      assertError(
          forged.postAsync("/v2/models/affine/infer", OipClient.affineRequest(x, false)).get(),
          401,
          "signature");

      OipClient valid = new OipClient(server.port()).withToken(token(SECRET, 300));
      HttpResponse<byte[]> ok =
          valid.postAsync("/v2/models/affine/infer", OipClient.affineRequest(x, false)).get();
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(OipClient.decode(ok).output("y").toFloatArray()).containsExactly(1, 1, 1, 1);
      assertThat(server.metric("isthmus_offload_errors_total{status=\"401\"")).isEqualTo(4);
    }
  }

  private static String token(byte[] secret, long expiresInS) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.HS256),
            new JWTClaimsSet.Builder()
                .issuer("isthmus")
                .expirationTime(new Date(System.currentTimeMillis() + expiresInS * 1000))
                .build());
    jwt.sign(new MACSigner(secret));
    return jwt.serialize();
  }
}
