package io.isthmus.agent.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;

/**
 * Gates the integration tests that need the machine's Mosquitto on 127.0.0.1:1883: with {@code
 * CI=true} an unreachable broker fails the test; elsewhere the test is skipped with a message.
 */
final class LocalMosquitto {

  static final String HOST = "127.0.0.1";
  static final int PORT = 1883;
  static final String URI = "tcp://" + HOST + ":" + PORT;

  private LocalMosquitto() {}

  static void assumeReachable() {
    requireOrSkip(
        isListening(HOST, PORT),
        "Mosquitto is not reachable on " + HOST + ":" + PORT + " (skipped; CI=true makes it fail)");
  }

  /** Fails under {@code CI=true}, skips elsewhere, when {@code available} is false. */
  static void requireOrSkip(boolean available, String message) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertThat(available).as(message).isTrue();
    } else {
      Assumptions.assumeTrue(available, message);
    }
  }

  static boolean isListening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
