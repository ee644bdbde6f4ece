package io.isthmus.offload.lambda;

import io.isthmus.inference.ExecutionProvider;
import io.isthmus.offload.batch.BatchingOptions;
import io.isthmus.offload.core.InferenceService;
import io.isthmus.offload.core.OffloadOptions;
import io.isthmus.offload.core.OipRouter;
import io.isthmus.offload.metrics.OffloadMetrics;
import io.isthmus.offload.model.ModelSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lambda function's configuration, from environment variables (or system properties of the same
 * name): {@code ISTHMUS_MODELS} a comma-separated list of {@code
 * NAME[@VERSION]=PATH|URL[#sha256=HEX]} (required), {@code ISTHMUS_PROVIDER} ({@code cpu} or {@code
 * cuda}), {@code ISTHMUS_CACHE_DIR} (default {@code /tmp/isthmus-models}, Lambda's only writable
 * folder), {@code ISTHMUS_THREADS}. A Lambda instance takes one request at a time, so batching is
 * off. Authentication is left to API Gateway's authorizers.
 */
final class LambdaConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(LambdaConfiguration.class);

  private LambdaConfiguration() {}

  /** A started router, or why there is none. */
  record Loaded(Optional<OipRouter> router, String problem) {
    static Loaded of(OipRouter router) {
      return new Loaded(Optional.of(router), "");
    }
  }

  /** Loads and warms the configured models; never throws, so the handler class always loads. */
  static Loaded loadFromEnvironment() {
    return load(
        name -> System.getenv(name) != null ? System.getenv(name) : System.getProperty(name));
  }

  static Loaded load(UnaryOperator<String> variables) {
    String models = variables.apply("ISTHMUS_MODELS");
    if (models == null || models.isBlank()) {
      return new Loaded(
          Optional.empty(),
          "ISTHMUS_MODELS is not set: give NAME[@VERSION]=PATH|URL[#sha256=HEX],... in the"
              + " function's environment");
    }
    try {
      OffloadOptions options = options(models, variables);
      OffloadMetrics metrics = new OffloadMetrics();
      InferenceService service = new InferenceService(options, metrics);
      service.start().join();
      return Loaded.of(new OipRouter(service, Optional.empty(), metrics));
    } catch (RuntimeException | java.io.IOException e) {
      LOG.error("the function cannot start: {}", e.getMessage(), e);
      return new Loaded(Optional.empty(), "The function cannot start: " + e.getMessage());
    }
  }

  private static OffloadOptions options(String models, UnaryOperator<String> variables) {
    List<ModelSource> sources =
        Arrays.stream(models.split(",")).map(String::trim).map(ModelSource::parse).toList();
    String provider = variables.apply("ISTHMUS_PROVIDER");
    String cacheDir = variables.apply("ISTHMUS_CACHE_DIR");
    String threads = variables.apply("ISTHMUS_THREADS");
    return new OffloadOptions(
        sources,
        provider == null
            ? ExecutionProvider.CPU
            : ExecutionProvider.valueOf(provider.trim().toUpperCase(Locale.ROOT)),
        threads == null ? 1 : Integer.parseInt(threads.trim()),
        new BatchingOptions(1, Duration.ZERO, Optional.empty(), 1),
        OffloadOptions.DEFAULT_MAX_CONCURRENCY,
        OffloadOptions.DEFAULT_MAX_BODY_BYTES,
        OffloadOptions.DEFAULT_MEMORY_BUDGET_BYTES,
        Path.of(cacheDir == null ? "/tmp/isthmus-models" : cacheDir));
  }
}
