package io.isthmus.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.moquette.broker.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The broker the fleet tests use: an embedded Moquette on a free port, or with {@code CI=true} the
 * machine's Mosquitto on 127.0.0.1:1883 (the test fails if it is not there).
 */
final class FleetBroker implements AutoCloseable {
  private final Server moquette;
  private final String uri;

  private FleetBroker(Server moquette, String uri) {
    this.moquette = moquette;
    this.uri = uri;
  }

  static FleetBroker start(Path data) throws IOException {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertThat(listening(1883)).as("Mosquitto on 127.0.0.1:1883 (CI=true)").isTrue();
      return new FleetBroker(null, "tcp://127.0.0.1:1883");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Properties props = new Properties();
    props.setProperty("host", "127.0.0.1");
    props.setProperty("port", String.valueOf(port));
    props.setProperty("websocket_port", "disabled");
    props.setProperty("allow_anonymous", "true");
    props.setProperty("telemetry_enabled", "false");
    props.setProperty("persistence_enabled", "false");
    props.setProperty("data_path", data.toString());
    // Netty 4.1.133's MqttDecoder rejects messages that arrive in more than one read unless the
    // limit is Integer.MAX_VALUE (netty/netty#16812).
    props.setProperty("netty.mqtt.message_size", String.valueOf(Integer.MAX_VALUE));
    Server server = new Server();
    server.startServer(props);
    return new FleetBroker(server, "tcp://127.0.0.1:" + port);
  }

  String uri() {
    return uri;
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (moquette != null) {
      moquette.stopServer();
    }
  }
}
