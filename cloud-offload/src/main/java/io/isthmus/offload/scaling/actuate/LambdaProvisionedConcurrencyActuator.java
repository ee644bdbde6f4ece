package io.isthmus.offload.scaling.actuate;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.DeleteProvisionedConcurrencyConfigRequest;
import software.amazon.awssdk.services.lambda.model.PutProvisionedConcurrencyConfigRequest;
import software.amazon.awssdk.services.lambda.model.PutProvisionedConcurrencyConfigResponse;

/**
 * Sets AWS Lambda provisioned concurrency on a function's alias or version
 * (PutProvisionedConcurrencyConfig). Lambda takes no provisioned concurrency of 0, so 0 deletes the
 * configuration instead (DeleteProvisionedConcurrencyConfig), and the function scales on demand
 * only.
 */
public final class LambdaProvisionedConcurrencyActuator implements ConcurrencyActuator {
  private final LambdaClient lambda;
  private final String function;
  private final String qualifier;
  private final Executor executor;

  /**
   * An actuator for one alias or version. SDK calls block, so they run on {@code executor}.
   *
   * @param qualifier the alias or version number ({@code $LATEST} takes no provisioned concurrency)
   */
  public LambdaProvisionedConcurrencyActuator(
      LambdaClient lambda, String function, String qualifier, Executor executor) {
    this.lambda = Objects.requireNonNull(lambda, "lambda");
    this.function = Objects.requireNonNull(function, "function");
    this.qualifier = Objects.requireNonNull(qualifier, "qualifier");
    this.executor = Objects.requireNonNull(executor, "executor");
    if (qualifier.isBlank() || qualifier.equals("$LATEST")) {
      throw new IllegalArgumentException(
          "qualifier must name an alias or a published version, got '" + qualifier + "'");
    }
  }

  /**
   * A client for {@code region} with the SDK's default credentials chain and the JDK's HTTP client
   * (the caller closes it).
   */
  public static LambdaClient client(Region region) {
    return LambdaClient.builder()
        .region(region)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @Override
  public String target() {
    return "lambda:" + function + ":" + qualifier;
  }

  @Override
  public CompletableFuture<Integer> apply(int concurrency) {
    if (concurrency < 0) {
      throw new IllegalArgumentException("concurrency must be >= 0, got " + concurrency);
    }
    return CompletableFuture.supplyAsync(() -> write(concurrency), executor);
  }

  private int write(int concurrency) {
    try {
      if (concurrency == 0) {
        lambda.deleteProvisionedConcurrencyConfig(
            DeleteProvisionedConcurrencyConfigRequest.builder()
                .functionName(function)
                .qualifier(qualifier)
                .build());
        return 0;
      }
      PutProvisionedConcurrencyConfigResponse response =
          lambda.putProvisionedConcurrencyConfig(
              PutProvisionedConcurrencyConfigRequest.builder()
                  .functionName(function)
                  .qualifier(qualifier)
                  .provisionedConcurrentExecutions(concurrency)
                  .build());
      Integer requested = response.requestedProvisionedConcurrentExecutions();
      return requested == null ? concurrency : requested;
    } catch (AwsServiceException e) {
      throw new ActuationException(
          target(),
          "provisioned concurrency "
              + concurrency
              + " refused (HTTP "
              + e.statusCode()
              + ", "
              + e.awsErrorDetails().errorCode()
              + ")",
          e);
    } catch (SdkClientException e) {
      throw new ActuationException(
          target(), "Lambda could not be reached to set provisioned concurrency " + concurrency, e);
    }
  }
}
