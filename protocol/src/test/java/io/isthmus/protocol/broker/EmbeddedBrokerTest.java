package io.isthmus.protocol.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EmbeddedBrokerTest {

  @Test
  void startsQuicklyAndAnswersAnMqttConnectOnTheReportedPortWithoutWritingFiles()
      throws IOException {
    Set<Path> before = listing(Path.of(""));
    long started = System.nanoTime();
    try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0)) {
      // measured for the report, not a target asserted here
      System.out.println(
          "EmbeddedBroker start: " + (System.nanoTime() - started) / 1_000_000 + " ms");
      assertThat(broker.port()).isPositive();
      assertThat(broker.host()).isEqualTo("127.0.0.1");
      assertThat(broker.uri()).isEqualTo("tcp://127.0.0.1:" + broker.port());
      assertThat(connack(broker.port())).isEqualTo(new byte[] {0x20, 0x02, 0x00, 0x00});
    }
    assertThat(listing(Path.of(""))).isEqualTo(before);
  }

  @Test
  void aBrokerOnEveryInterfaceIsReachedOnLoopback() throws IOException {
    try (EmbeddedBroker broker = EmbeddedBroker.start("0.0.0.0", 0)) {
      assertThat(broker.host()).isEqualTo("0.0.0.0");
      assertThat(broker.uri()).isEqualTo("tcp://127.0.0.1:" + broker.port());
      assertThat(connack(broker.port())).isEqualTo(new byte[] {0x20, 0x02, 0x00, 0x00});
    }
  }

  @Test
  void picksAFreePortWhenTheGivenOneIsTaken() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", taken.getLocalPort())) {
        assertThat(broker.port()).isNotEqualTo(taken.getLocalPort()).isPositive();
        assertThat(connack(broker.port())).isEqualTo(new byte[] {0x20, 0x02, 0x00, 0x00});
      }
    }
  }

  @Test
  void stopIsIdempotentAndFreesThePort() throws IOException {
    EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", 0);
    broker.stop();
    broker.stop();
    try (ServerSocket again = new ServerSocket()) {
      again.setReuseAddress(true);
      again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), broker.port()));
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> EmbeddedBroker.start(" ", 0)).hasMessageContaining("host ' '");
    assertThatThrownBy(() -> EmbeddedBroker.start("127.0.0.1", 70_000))
        .hasMessageContaining("port 70000 is not valid");
  }

  /** Sends a raw MQTT 3.1.1 CONNECT and returns the 4 CONNACK bytes. */
  private static byte[] connack(int port) throws IOException {
    byte[] connect = {
      0x10,
      0x10, // CONNECT, remaining length 16
      0x00,
      0x04,
      'M',
      'Q',
      'T',
      'T',
      0x04,
      0x02,
      0x00,
      0x3c, // protocol, level 4, clean, 60 s
      0x00,
      0x04,
      't',
      'e',
      's',
      't' // client id
    };
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(connect);
      out.flush();
      InputStream in = socket.getInputStream();
      return in.readNBytes(4);
    }
  }

  private static Set<Path> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.collect(Collectors.toSet());
    }
  }
}
