package io.isthmus.protocol.broker;

import io.moquette.BrokerConstants;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process Moquette MQTT 3.1.1 broker, the zero-setup default of the agent and the console:
 * anonymous, in-memory (nothing is written to disk), telemetry off, plain TCP on one port.
 *
 * <p>Moquette is an optional dependency of this module: a module that starts a broker declares
 * {@code io.moquette:moquette-broker} itself.
 *
 * <pre>{@code
 * try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 1883)) {
 *   MqttOptions options = MqttOptions.builder(broker.uri()).mqttVersion(MqttVersion.V3_1_1).build();
 * }
 * }</pre>
 */
public final class EmbeddedBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

  private final Server server;
  private final String host;
  private final int port;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private EmbeddedBroker(Server server, String host, int port) {
    this.server = server;
    this.host = host;
    this.port = port;
  }

  /**
   * Starts a broker on {@code host:port}, blocking until it listens (tens of milliseconds once the
   * classes are loaded). With {@code port} 0, or when {@code port} is taken (our machines run
   * Mosquitto on 1883), it listens on a free port instead and logs which; read it from {@link
   * #port()}.
   *
   * @throws IllegalArgumentException when the host is blank or the port outside 0..65535
   * @throws UncheckedIOException when the broker cannot bind or start
   */
  public static EmbeddedBroker start(String host, int port) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host '" + host + "' is not valid: expected a host name");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "port " + port + " is not valid: expected 0 (any free port) to 65535");
    }
    long started = System.nanoTime();
    int chosen = port;
    if (port == 0 || !isFree(host, port)) {
      chosen = freePort(host);
      if (port != 0) {
        LOG.info("MQTT port {}:{} is taken; the embedded broker uses port {}", host, port, chosen);
      }
    }
    Properties config = new Properties();
    config.setProperty(BrokerConstants.HOST_PROPERTY_NAME, host);
    config.setProperty(BrokerConstants.PORT_PROPERTY_NAME, Integer.toString(chosen));
    config.setProperty(
        BrokerConstants.WEB_SOCKET_PORT_PROPERTY_NAME, BrokerConstants.DISABLED_PORT_BIND);
    config.setProperty(BrokerConstants.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
    config.setProperty(BrokerConstants.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
    config.setProperty(BrokerConstants.ENABLE_TELEMETRY_NAME, "false");
    config.setProperty(BrokerConstants.NETTY_EPOLL_PROPERTY_NAME, "false");
    config.setProperty(BrokerConstants.NETTY_SO_REUSEADDR_PROPERTY_NAME, "true");
    // Netty 4.1.133's MQTT decoder rejects a message that arrives in more than one read when it
    // checks the size limit (netty/netty#16812): vibration windows of ~5 KB would be dropped with
    // TooLongFrameException. No limit here; the agent enforces its own payload limit per pipeline,
    // and the console's desired states and reports are small.
    config.setProperty(
        BrokerConstants.NETTY_MAX_BYTES_PROPERTY_NAME, Integer.toString(Integer.MAX_VALUE));
    Server server = new Server();
    try {
      server.startServer(new MemoryConfig(config));
    } catch (IOException | RuntimeException e) {
      server.stopServer();
      throw new UncheckedIOException(
          "Cannot start the embedded MQTT broker on " + host + ":" + chosen,
          e instanceof IOException io ? io : new IOException(e));
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    LOG.atInfo()
        .addKeyValue("port", chosen)
        .addKeyValue("startMs", millis)
        .log(
            "Embedded MQTT broker listening on tcp://{}:{} (started in {} ms)",
            host,
            chosen,
            millis);
    return new EmbeddedBroker(server, host, chosen);
  }

  private static boolean isFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port on " + host, e);
    }
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /**
   * {@code tcp://host:port} to connect to, for {@code MqttOptions.builder(String)}; a broker
   * listening on every interface ({@code 0.0.0.0}) is reached at {@code 127.0.0.1}.
   */
  public String uri() {
    return "tcp://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port;
  }

  /** Stops the broker, dropping every client connection; idempotent. */
  public void stop() {
    if (stopped.compareAndSet(false, true)) {
      server.stopServer();
      LOG.info("Embedded MQTT broker on {} stopped", uri());
    }
  }

  @Override
  public void close() {
    stop();
  }
}
