package io.isthmus.console;

import io.isthmus.console.api.ConsoleApi;
import io.isthmus.console.audit.JdbcAuditLog;
import io.isthmus.console.auth.Role;
import io.isthmus.console.auth.TokenStore;
import io.isthmus.console.fleet.FleetTransport;
import io.isthmus.console.fleet.GatewayRegistry;
import io.isthmus.console.fleet.HonoFleetTransport;
import io.isthmus.console.fleet.MqttFleetTransport;
import io.isthmus.console.registry.ArtifactUrls;
import io.isthmus.console.registry.BlobStore;
import io.isthmus.console.registry.ConsoleKeys;
import io.isthmus.console.registry.ModelRegistry;
import io.isthmus.console.rollout.JdbcRolloutStore;
import io.isthmus.console.rollout.RolloutEngine;
import io.isthmus.console.store.Database;
import io.isthmus.protocol.broker.EmbeddedBroker;
import io.isthmus.protocol.manifest.ManifestException;
import io.isthmus.protocol.mqtt.MqttTopics;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.ReportedState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running console: database, keys, model registry, gateway registry, gateway transport (MQTT,
 * with an embedded broker when none is given, or Eclipse Hono), rollout engine and HTTP API,
 * started together and closed in reverse order.
 *
 * <pre>{@code
 * try (Console console = Console.start(ConsoleOptions.builder(Path.of("data")).build())) {
 *   System.out.println(console.url());
 * }
 * }</pre>
 */
public final class Console implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Console.class);

  /** The Kafka consumer group of the console on Hono's telemetry and event topics. */
  public static final String HONO_CONSUMER_GROUP = "isthmus-console";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final AtomicBoolean connected = new AtomicBoolean();
  private int port;
  private String mqttUri;
  private String transportDescription;
  private String generatedAdminToken;
  private Database database;

  private Console() {}

  /**
   * Starts everything; blocks until the API listens and the broker subscription is in place.
   *
   * @throws IllegalStateException (or a subclass of RuntimeException) naming what failed; what was
   *     started is closed again
   */
  public static Console start(ConsoleOptions options) {
    Console console = new Console();
    try {
      console.boot(options);
      return console;
    } catch (RuntimeException e) {
      console.close();
      throw e;
    }
  }

  private void boot(ConsoleOptions options) {
    Clock clock = Clock.systemUTC();
    try {
      Files.createDirectories(options.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the data folder " + options.dataDir(), e);
    }
    database =
        options.jdbcUrl() == null
            ? Database.embedded(options.dataDir().resolve("postgres"), options.schema())
            : Database.connect(options.jdbcUrl(), options.schema());
    resources.add(database);

    ConsoleKeys keys;
    try {
      keys = ConsoleKeys.open(options.dataDir().resolve("keys"));
    } catch (IOException | ManifestException e) {
      throw new IllegalStateException("Cannot open the console's keys: " + e.getMessage(), e);
    }
    port = options.port() == 0 ? freePort() : options.port();
    String publicUrl =
        options.publicUrl() == null ? "http://127.0.0.1:" + port : options.publicUrl();
    ArtifactUrls urls = new ArtifactUrls(publicUrl, keys);

    JdbcAuditLog audit = new JdbcAuditLog(database.dataSource(), clock);
    TokenStore tokens = new TokenStore(database.dataSource(), clock);
    if (options.adminToken() != null && !options.adminToken().isBlank()) {
      tokens.store("admin-from-env", Role.ADMIN, options.adminToken());
    } else if (!tokens.hasAdmin()) {
      generatedAdminToken = tokens.issue("admin", Role.ADMIN);
    }

    FleetTransport transport;
    if (options.hono() != null) {
      transport =
          new HonoFleetTransport(
              options.hono().tenant(), options.hono().kafka(), HONO_CONSUMER_GROUP);
      transportDescription =
          "Hono tenant " + options.hono().tenant() + " via Kafka " + options.hono().kafka();
    } else {
      if (options.mqttUri() == null) {
        EmbeddedBroker broker = EmbeddedBroker.start("0.0.0.0", 0);
        resources.add(broker);
        mqttUri = broker.uri();
      } else {
        mqttUri = options.mqttUri();
      }
      transport = new MqttFleetTransport(mqttUri, MqttTopics.defaults());
      transportDescription = "MQTT " + mqttUri;
    }
    FleetLoop loop = new FleetLoop();
    GatewayRegistry gateways =
        new GatewayRegistry(database.dataSource(), transport, audit, clock, options.offlineAfter());
    BlobStore blobs;
    try {
      blobs = new BlobStore(options.dataDir().resolve("blobs"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the blob store", e);
    }
    ModelRegistry models =
        new ModelRegistry(
            database.dataSource(), blobs, keys, urls, options.dataDir().resolve("scratch"), clock);
    RolloutEngine engine =
        new RolloutEngine(
            clock, gateways, models, gateways, new JdbcRolloutStore(database.dataSource()), audit);
    join(
        loop.call(
            () -> {
              gateways.load();
              engine.load();
              return null;
            }));

    resources.add(loop);
    resources.add(
        () ->
            join(
                loop.call(
                    () -> {
                      gateways.flush();
                      return null;
                    })));
    resources.add(transport);
    join(
        transport.start(
            new FleetTransport.Listener() {
              @Override
              public void reported(String gatewayId, ReportedState report) {
                loop.execute("report of " + gatewayId, () -> gateways.report(gatewayId, report));
              }

              @Override
              public void event(String gatewayId, GatewayEvent event) {
                loop.execute(
                    "event of " + gatewayId,
                    () -> engine.onEvent(event.toBuilder().setGatewayId(gatewayId).build()));
              }

              @Override
              public void connected() {
                connected.set(true);
                loop.execute("republish", gateways::republishAll);
              }
            }));
    loop.every(
        options.tickInterval(),
        "rollout step",
        () -> {
          gateways.sweepOffline();
          engine.tick();
          gateways.flush();
        });

    Vertx vertx = Vertx.vertx();
    resources.add(
        () -> vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    ConsoleApi api =
        new ConsoleApi(
            vertx,
            gateways,
            models,
            engine,
            audit,
            tokens,
            loop,
            urls,
            options.dataDir().resolve("uploads"),
            () -> database.ready() && connected.get());
    HttpServer server =
        join(
            vertx
                .createHttpServer(new HttpServerOptions().setCompressionSupported(false))
                .requestHandler(api.router())
                .listen(port)
                .toCompletionStage()
                .toCompletableFuture());
    LOG.atInfo()
        .addKeyValue("port", server.actualPort())
        .log(
            "Console listening on port {}, gateways on {}, gateways fetch from {}",
            port,
            transportDescription,
            publicUrl);
  }

  /** The HTTP port. */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The MQTT broker the console uses, or null with the Hono transport. */
  public String mqttUri() {
    return mqttUri;
  }

  /** Where gateways reach the console: the MQTT broker, or Hono's tenant and Kafka. */
  public String transportDescription() {
    return transportDescription;
  }

  /** The admin token generated on this start (first start without one), else null. */
  public String generatedAdminToken() {
    return generatedAdminToken;
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resources.get(i), e.toString());
      }
    }
    resources.clear();
  }

  private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r
          ? r
          : new IllegalStateException(cause.getMessage(), cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("starting timed out after 60 s", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("0.0.0.0", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port", e);
    }
  }
}
