package io.isthmus.agent;

import io.isthmus.agent.config.AgentConfig;
import io.isthmus.agent.config.AgentConfig.MqttSettings;
import io.isthmus.agent.config.AgentConfig.SessionMode;
import io.isthmus.agent.config.AgentConfigReader;
import io.isthmus.agent.config.ConfigException;
import io.isthmus.agent.config.PipelineConfig;
import io.isthmus.agent.ingest.MqttConnection;
import io.isthmus.agent.ingest.MqttConnections;
import io.isthmus.agent.metrics.AgentMetrics;
import io.isthmus.agent.pipeline.PipelineFactory;
import io.isthmus.agent.pipeline.ResultSink;
import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelSignature;
import io.isthmus.inference.TensorSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * {@code isthmus-agent --check}: reads the configuration, builds every pipeline (its models loaded,
 * bound to the pre- and post-processing, one warm-up run) and closes it again, checks that the data
 * folders can be written, and prints one line per finding. It connects to nothing, unless asked to
 * try the MQTT broker too. Exit status: 0 when everything checked is fine, 1 otherwise.
 */
final class AgentCheck {
  private static final ResultSink NOWHERE =
      (topic, payload, qos, contentType) ->
          Future.failedFuture(new IllegalStateException("--check publishes nothing"));

  private final PrintStream out;
  private int problems;

  AgentCheck(PrintStream out) {
    this.out = out;
  }

  /** Runs the check of {@code file}; {@code connect} also connects to the broker once. */
  int run(Path file, boolean connect) {
    AgentConfig config;
    try {
      config = AgentConfigReader.read(file);
    } catch (ConfigException e) {
      out.println("FAIL config " + file + ": " + e.getMessage());
      return 1;
    }
    out.println(
        "ok   config "
            + file
            + ": gateway "
            + config.gatewayId()
            + ", "
            + config.pipelines().size()
            + " pipeline(s)");
    try (AgentMetrics metrics = new AgentMetrics()) {
      for (PipelineConfig pipeline : config.pipelines()) {
        checkPipeline(pipeline, metrics);
      }
    }
    config.outbox().ifPresent(o -> checkWritable("outbox", o.dir()));
    config.sync().ifPresent(s -> checkWritable("sync", s.dir()));
    String uri = config.mqtt().uri().orElse(null);
    if (uri == null) {
      out.println("ok   mqtt: the embedded broker on port " + config.broker().port());
    } else if (connect) {
      checkBroker(config, uri);
    } else {
      out.println("ok   mqtt: " + uri + " (not contacted; --connect tries it)");
    }
    out.println(problems == 0 ? "check passed" : "check failed: " + problems + " problem(s)");
    return problems == 0 ? 0 : 1;
  }

  private void checkPipeline(PipelineConfig pipeline, AgentMetrics metrics) {
    long start = System.nanoTime();
    try {
      LoadedModel model = PipelineFactory.load(pipeline);
      ModelSignature signature = model.signature();
      ExecutionProvider provider = model.provider();
      // binds the model to the pre- and post-processing and runs it once; closing frees the model
      PipelineFactory.create(pipeline, model, NOWHERE, metrics.pipeline(pipeline.name())).close();
      long ms = (System.nanoTime() - start) / 1_000_000;
      out.println(
          "ok   pipeline "
              + pipeline.name()
              + ": model "
              + pipeline.model().name()
              + " v"
              + pipeline.model().version()
              + " ("
              + pipeline.model().path()
              + ") on "
              + provider
              + ", inputs "
              + describe(signature.inputs())
              + ", outputs "
              + describe(signature.outputs())
              + ", loaded and warmed in "
              + ms
              + " ms");
    } catch (ConfigException e) {
      fail("pipeline " + pipeline.name() + ": " + e.getMessage());
    } catch (RuntimeException | LinkageError e) {
      // LinkageError: an engine whose classes or native library are missing from this installation
      fail("pipeline " + pipeline.name() + ": " + e);
    }
  }

  private void checkWritable(String what, Path dir) {
    Path existing = dir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && Files.isDirectory(existing) && Files.isWritable(existing)) {
      out.println(
          "ok   " + what + ": " + dir + (existing.equals(dir) ? "" : " (created on start)"));
    } else {
      fail(what + ": " + dir + " cannot be created or written by this user");
    }
  }

  private void checkBroker(AgentConfig config, String uri) {
    Vertx vertx = Vertx.vertx();
    try (MqttConnection mqtt =
        MqttConnections.create(vertx, AgentMqtt.options(checkSession(config.mqtt()), uri, false))) {
      mqtt.connect().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      out.println("ok   mqtt: connected to " + uri);
    } catch (ExecutionException e) {
      fail("mqtt: " + uri + ": " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      fail("mqtt: " + uri + ": no answer in 15 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("mqtt: interrupted");
    } catch (ConfigException e) {
      fail("mqtt: " + e.getMessage());
    } finally {
      vertx.close();
    }
  }

  /**
   * The agent's settings under a client id of its own and a clean session: the check must not take
   * over the session of an agent that is running.
   */
  private static MqttSettings checkSession(MqttSettings m) {
    return new MqttSettings(
        m.uri(),
        m.version(),
        m.clientId() + "-check",
        m.username(),
        m.password(),
        m.passwordFile(),
        m.tls(),
        m.qos(),
        m.sharedGroup(),
        m.reconnectInitial(),
        m.reconnectMax(),
        SessionMode.CLEAN,
        m.sessionExpiry(),
        m.offlineBuffer());
  }

  private void fail(String message) {
    problems++;
    out.println("FAIL " + message);
  }

  private static String describe(java.util.List<TensorSpec> specs) {
    return specs.stream()
        .map(
            s ->
                s.name()
                    + " "
                    + s.dataType().name().toLowerCase(java.util.Locale.ROOT)
                    + Arrays.toString(s.shape()).replace(" ", ""))
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
