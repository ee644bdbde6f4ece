package io.isthmus.offload.cli;

import io.isthmus.inference.ExecutionProvider;
import io.isthmus.offload.OffloadFunction;
import io.isthmus.offload.auth.BearerAuthenticator;
import io.isthmus.offload.auth.JwtOptions;
import io.isthmus.offload.batch.BatchingOptions;
import io.isthmus.offload.core.InferenceService;
import io.isthmus.offload.core.OffloadOptions;
import io.isthmus.offload.model.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code offload}: runs the cloud inference function, an Open Inference Protocol v2 server ({@code
 * ./isthmus offload --model NAME=PATH ... --port N}). It follows Knative's runtime contract: the
 * port comes from {@code $PORT} when set, readiness turns 200 after warm-up, and SIGTERM drains
 * requests in flight within {@code --drain-grace} before the process exits. Subcommands (such as
 * {@code simulate}) hang below it.
 */
@Command(
    name = "offload",
    mixinStandardHelpOptions = true,
    version = "isthmus offload 0.1.0",
    description = "The serverless inference function (Open Inference Protocol v2) and its tools.",
    subcommands = {CommandLine.HelpCommand.class})
public final class OffloadCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "NAME[@VERSION]=PATH|URL[#sha256=HEX]",
      description = "A model version to serve (repeatable); a URL needs its sha256.")
  List<String> models = new ArrayList<>();

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind.")
  String host;

  @Option(
      names = "--port",
      description = "Port to listen on (default: $PORT, else 8080; 0 picks a free one).")
  Integer port;

  @Option(
      names = "--provider",
      defaultValue = "cpu",
      description = "Execution provider: cpu or cuda (falls back to CPU with a log line).")
  ExecutionProvider provider;

  @Option(names = "--threads", defaultValue = "1", description = "Threads per model run.")
  int threads;

  @Option(
      names = "--instances",
      defaultValue = "1",
      description = "Runs of one model that may execute at the same time.")
  int instances;

  @Option(names = "--max-batch", defaultValue = "8", description = "Most rows per model run.")
  int maxBatch;

  @Option(
      names = "--max-queue-delay-ms",
      defaultValue = "2",
      description = "How long a request waits for others to batch with.")
  double maxQueueDelayMs;

  @Option(
      names = "--p99-target-ms",
      description = "Adaptive batching: pick delay and batch size to keep p99 under this.")
  Double p99TargetMs;

  @Option(
      names = "--max-concurrency",
      defaultValue = "128",
      description = "Requests per model in flight before 429.")
  int maxConcurrency;

  @Option(
      names = "--max-body-bytes",
      defaultValue = "16777216",
      description = "Largest request body before 413.")
  int maxBodyBytes;

  @Option(
      names = "--memory-budget-mb",
      defaultValue = "1024",
      description = "Model bytes kept loaded; idle models beyond it are unloaded.")
  long memoryBudgetMb;

  @Option(names = "--cache-dir", description = "Disk cache of model files (content addressed).")
  Path cacheDir;

  @Option(
      names = "--drain-grace-s",
      defaultValue = "25",
      description = "On SIGTERM, how long to wait for requests in flight.")
  int drainGraceSeconds;

  @Option(
      names = "--jwt-hs256-secret-file",
      description = "Require bearer JWTs; accept HS256 ones signed with this file's bytes.")
  Path hmacSecretFile;

  @Option(
      names = "--jwt-public-key",
      description = "Require bearer JWTs; accept RS256/ES256 ones for this PEM public key.")
  Path publicKeyFile;

  @Option(names = "--jwt-issuer", description = "The iss claim tokens must carry.")
  String issuer;

  @Option(names = "--jwt-audience", description = "The aud claim tokens must carry.")
  String audience;

  /** Runs the function until SIGTERM; 1 if it cannot start (the reason on stderr). */
  @Override
  public Integer call() {
    if (models.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Missing --model NAME[@VERSION]=PATH|URL[#sha256=HEX]");
    }
    OffloadOptions options;
    Optional<BearerAuthenticator> auth;
    try {
      options = options();
      auth = authenticator();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (java.io.IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Cannot read a key file: " + e.getMessage(), e);
    }
    long started = System.nanoTime();
    OffloadFunction function;
    try {
      function = OffloadFunction.start(options, auth, host, resolvePort()).get();
    } catch (ExecutionException e) {
      return failed(InferenceService.toOffloadException(e.getCause()).getMessage());
    } catch (java.io.IOException e) {
      return failed("cannot create the model cache: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed("interrupted while starting");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  java.io.PrintWriter out = spec.commandLine().getOut();
                  out.printf(
                      "isthmus offload draining: inFlight=%d graceS=%d%n",
                      function.service().inFlight(), drainGraceSeconds);
                  out.flush();
                  boolean drained = function.drainAndStop(Duration.ofSeconds(drainGraceSeconds));
                  out.printf("isthmus offload stopped: drained=%b%n", drained);
                  out.flush();
                  stopped.countDown();
                },
                "offload-drain"));
    spec.commandLine()
        .getOut()
        .printf(
            "isthmus offload ready: port=%d models=%d provider=%s readyMs=%d%n",
            function.port(),
            options.models().size(),
            function.service().provider(),
            (System.nanoTime() - started) / 1_000_000);
    spec.commandLine().getOut().flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private int failed(String reason) {
    spec.commandLine().getErr().println("isthmus offload: the function did not start: " + reason);
    return 1;
  }

  private OffloadOptions options() throws java.io.IOException {
    List<ModelSource> sources = models.stream().map(ModelSource::parse).toList();
    BatchingOptions batching =
        new BatchingOptions(
            maxBatch,
            Duration.ofNanos((long) (maxQueueDelayMs * 1_000_000)),
            Optional.ofNullable(p99TargetMs).map(ms -> Duration.ofNanos((long) (ms * 1_000_000))),
            instances);
    Path cache = cacheDir != null ? cacheDir : defaultCacheDir();
    return new OffloadOptions(
        sources,
        provider,
        threads,
        batching,
        maxConcurrency,
        maxBodyBytes,
        memoryBudgetMb * 1024 * 1024,
        cache);
  }

  private Optional<BearerAuthenticator> authenticator() throws java.io.IOException {
    if (hmacSecretFile == null && publicKeyFile == null) {
      return Optional.empty();
    }
    JwtOptions jwt =
        new JwtOptions(
            hmacSecretFile == null
                ? Optional.empty()
                : Optional.of(
                    Files.readString(hmacSecretFile)
                        .strip()
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            publicKeyFile == null
                ? Optional.empty()
                : Optional.of(JwtOptions.readPublicKey(publicKeyFile)),
            Optional.ofNullable(issuer),
            Optional.ofNullable(audience));
    return Optional.of(BearerAuthenticator.create(jwt));
  }

  private int resolvePort() {
    if (port != null) {
      return port;
    }
    String fromEnvironment = System.getenv("PORT");
    if (fromEnvironment == null || fromEnvironment.isBlank()) {
      return 8080;
    }
    try {
      return Integer.parseInt(fromEnvironment.trim());
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "$PORT must be a port number, was '" + fromEnvironment + "'");
    }
  }

  private static Path defaultCacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("isthmus").resolve("offload-models");
  }

  /** Runs the command line and returns the exit code (0 ok, 1 failed, 2 bad usage). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line. */
  public static CommandLine commandLine() {
    return new CommandLine(new OffloadCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
