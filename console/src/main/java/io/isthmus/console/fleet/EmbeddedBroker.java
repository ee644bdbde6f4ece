package io.isthmus.console.fleet;

import io.moquette.BrokerConstants;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Properties;

/**
 * An in-process Moquette MQTT broker on a free port, the console's zero-setup default when no
 * broker is given: anonymous, in memory (the console publishes every desired state again when it
 * starts), telemetry off.
 */
public final class EmbeddedBroker implements AutoCloseable {
  private final Server server;
  private final String host;
  private final int port;

  private EmbeddedBroker(Server server, String host, int port) {
    this.server = server;
    this.host = host;
    this.port = port;
  }

  /**
   * Starts a broker on {@code host} and a free port.
   *
   * @throws UncheckedIOException when it cannot bind or start
   */
  public static EmbeddedBroker start(String host) {
    int port = freePort(host);
    Properties config = new Properties();
    config.setProperty(BrokerConstants.HOST_PROPERTY_NAME, host);
    config.setProperty(BrokerConstants.PORT_PROPERTY_NAME, Integer.toString(port));
    config.setProperty(
        BrokerConstants.WEB_SOCKET_PORT_PROPERTY_NAME, BrokerConstants.DISABLED_PORT_BIND);
    config.setProperty(BrokerConstants.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
    config.setProperty(BrokerConstants.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
    config.setProperty(BrokerConstants.ENABLE_TELEMETRY_NAME, "false");
    config.setProperty(BrokerConstants.NETTY_EPOLL_PROPERTY_NAME, "false");
    config.setProperty(BrokerConstants.NETTY_SO_REUSEADDR_PROPERTY_NAME, "true");
    // Netty's MQTT decoder can reject a message that arrives in more than one read when it checks
    // the size limit (netty/netty#16812); desired states and reports are small, but lift it anyway.
    config.setProperty(
        BrokerConstants.NETTY_MAX_BYTES_PROPERTY_NAME, Integer.toString(Integer.MAX_VALUE));
    Server server = new Server();
    try {
      server.startServer(new MemoryConfig(config));
    } catch (IOException | RuntimeException e) {
      server.stopServer();
      throw new UncheckedIOException(
          "Cannot start the embedded MQTT broker on " + host + ":" + port,
          e instanceof IOException io ? io : new IOException(e));
    }
    return new EmbeddedBroker(server, host, port);
  }

  /** {@code tcp://host:port}. */
  public String uri() {
    return "tcp://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    server.stopServer();
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
}
