package io.isthmus.protocol.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

class NoDelaySocketsTest {

  @Test
  void plainSocketsHaveNagleOff() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      // Paho creates an unconnected socket and connects it itself
      try (Socket unconnected = NoDelaySockets.plain().createSocket()) {
        unconnected.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        assertThat(unconnected.getTcpNoDelay()).isTrue();
      }
      try (Socket connected =
          NoDelaySockets.plain().createSocket(InetAddress.getLoopbackAddress(), port)) {
        assertThat(connected.getTcpNoDelay()).isTrue();
      }
    }
  }

  @Test
  void tlsSocketsHaveNagleOffAndKeepTheDelegatesCipherSuites() throws Exception {
    SSLSocketFactory jdk = (SSLSocketFactory) SSLSocketFactory.getDefault();
    SSLSocketFactory factory = NoDelaySockets.tls(jdk);

    assertThat(factory.getSupportedCipherSuites()).containsExactly(jdk.getSupportedCipherSuites());
    try (Socket socket = factory.createSocket()) {
      assertThat(socket.getTcpNoDelay()).isTrue();
    }
  }
}
