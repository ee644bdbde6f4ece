package io.isthmus.agent;

import io.isthmus.agent.config.AgentConfig;
import io.isthmus.agent.config.AgentConfigReader;
import io.isthmus.agent.config.ConfigException;
import io.isthmus.protocol.units.Durations;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./isthmus agent --config FILE}: starts the agent, prints {@code isthmus agent ready:
 * http=PORT broker=URI pipelines=[...] in N ms} once ready, and stops gracefully on SIGTERM or
 * Ctrl-C (queues drain for up to {@code --drain}). With {@code --check} it only checks the
 * configuration and its models ({@link AgentCheck}) and exits.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "The Isthmus edge agent: MQTT sensor events in, inference results out.")
public final class AgentMain implements java.util.concurrent.Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

  @Option(names = "--config", required = true, description = "The agent's YAML configuration.")
  Path config;

  @Option(
      names = "--check",
      description =
          "Validate the configuration, load and warm every pipeline's models, check the data"
              + " folders, report what was found and exit: 0 when all is well, 1 otherwise."
              + " Connects nowhere unless --connect is given.")
  boolean check;

  @Option(
      names = "--connect",
      description = "With --check: also connect to the configured MQTT broker once.")
  boolean connect;

  @Option(
      names = "--drain",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How long queues may drain on stop (default ${DEFAULT-VALUE}).")
  Duration drain;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    if (check) {
      return new AgentCheck(System.out).run(config, connect);
    }
    if (connect) {
      System.err.println("--connect goes with --check");
      return 2;
    }
    long started = System.nanoTime();
    AgentConfig parsed;
    try {
      parsed = AgentConfigReader.read(config);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    CompletableFuture<EdgeAgent> starting =
        EdgeAgent.start(vertx, parsed).toCompletionStage().toCompletableFuture();
    CountDownLatch stopped = new CountDownLatch(1);
    // registered before the agent is up, so that SIGTERM during start-up stops what has started
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> shutdown(starting, vertx, stopped), "isthmus-agent-shutdown"));
    EdgeAgent agent;
    try {
      agent = starting.get(2, TimeUnit.MINUTES);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      System.err.println("isthmus agent failed to start: " + cause.getMessage());
      LOG.debug("start failure", cause);
      return cause instanceof ConfigException ? 2 : 1;
    }
    long readyMs = (System.nanoTime() - started) / 1_000_000;
    LOG.info("agent ready in {} ms", readyMs);
    System.out.println(
        "isthmus agent ready: http="
            + agent.httpPort()
            + " broker="
            + agent.brokerUri()
            + " pipelines="
            + agent.pipelineNames()
            + " in "
            + readyMs
            + " ms");
    System.out.flush();
    stopped.await();
    return 0;
  }

  private void shutdown(
      CompletableFuture<EdgeAgent> starting, Vertx vertx, CountDownLatch stopped) {
    try {
      if (starting.isDone() && !starting.isCompletedExceptionally()) {
        starting
            .get()
            .stop(drain)
            .toCompletionStage()
            .toCompletableFuture()
            .get(drain.toMillis() + 10_000, TimeUnit.MILLISECONDS);
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("graceful stop incomplete: {}", e.toString());
    } finally {
      stopped.countDown();
    }
  }

  /** Reads a duration as {@link Durations} does, and a bare number as seconds. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value, ChronoUnit.SECONDS);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
