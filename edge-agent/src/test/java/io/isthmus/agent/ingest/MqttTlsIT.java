package io.isthmus.agent.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS against a Mosquitto of our own: a throwaway CA, server and client certificates made
 * with openssl, a TLS listener that requires client certificates.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class MqttTlsIT {

  private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
  private static final Path OPENSSL = Path.of("/usr/bin/openssl");

  @TempDir static Path dir;
  private static Process mosquitto;
  private static int port;

  @BeforeAll
  static void startTlsMosquitto() throws Exception {
    LocalMosquitto.requireOrSkip(
        Files.isExecutable(MOSQUITTO) && Files.isExecutable(OPENSSL),
        "TLS test needs " + MOSQUITTO + " and " + OPENSSL + " (skipped; CI=true makes it fail)");
    // GIVEN a CA, a server certificate for 127.0.0.1, RSA and EC client certificates, another CA
    openssl("req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=it-ca");
    openssl(
        "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
            + " -keyout other-ca.key -out other-ca.crt -days 2 -subj /CN=other-ca");
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    signed("server", "rsa:2048", "-extfile server.ext");
    signed("client-rsa", "rsa:2048", "");
    signed("client-ec", "ec -pkeyopt ec_paramgen_curve:prime256v1", "");

    port = freePort();
    Path conf = dir.resolve("mosquitto.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "user " + System.getProperty("user.name"),
            "persistence false",
            "log_dest stderr",
            "allow_anonymous true",
            "listener " + port + " 127.0.0.1",
            "cafile " + dir.resolve("ca.crt"),
            "certfile " + dir.resolve("server.crt"),
            "keyfile " + dir.resolve("server.key"),
            "require_certificate true",
            ""));
    File log = dir.resolve("mosquitto.log").toFile();
    mosquitto =
        new ProcessBuilder(MOSQUITTO.toString(), "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start();
    Await.until(
        Duration.ofSeconds(10),
        () -> !mosquitto.isAlive() || LocalMosquitto.isListening("127.0.0.1", port),
        () -> "mosquitto on port " + port);
    assertThat(mosquitto.isAlive())
        .as("mosquitto exited: %s", Files.readString(log.toPath()))
        .isTrue();
  }

  @AfterAll
  static void stopMosquitto() throws InterruptedException {
    if (mosquitto != null) {
      mosquitto.destroy();
      if (!mosquitto.waitFor(5, TimeUnit.SECONDS)) {
        mosquitto.destroyForcibly();
      }
    }
  }

  private static MqttOptions.Builder tls(MqttVersion version, String ca) {
    return MqttOptions.builder("ssl://127.0.0.1:" + port)
        .mqttVersion(version)
        .caFile(dir.resolve(ca));
  }

  @Test
  void connectsWithTheRightCaAndAnEcClientCertificate(Vertx vertx) throws Exception {
    MqttOptions options =
        tls(MqttVersion.V5, "ca.crt")
            .clientCertFile(dir.resolve("client-ec.crt"))
            .clientKeyFile(dir.resolve("client-ec.key"))
            .build();
    try (MeteredMqttConnection connection = MqttConnections.create(vertx, options)) {
      Await.result(connection.connect());
      Inbox inbox = new Inbox();
      Await.result(connection.subscribe("tls/#", 1, inbox));
      Await.result(
          connection.publish(
              "tls/x", "secret".getBytes(StandardCharsets.UTF_8), 1, false, "text/plain"));

      InboundMessage message = inbox.awaitCount(1).get(0);
      assertThat(new String(message.payload(), StandardCharsets.UTF_8)).isEqualTo("secret");
      assertThat(message.contentType()).contains("text/plain");
    }
  }

  @Test
  void connectsOverMqtt311WithAnRsaClientCertificate(Vertx vertx) throws Exception {
    MqttOptions options =
        tls(MqttVersion.V3_1_1, "ca.crt")
            .clientCertFile(dir.resolve("client-rsa.crt"))
            .clientKeyFile(dir.resolve("client-rsa.key"))
            .build();
    try (MeteredMqttConnection connection = MqttConnections.create(vertx, options)) {
      Await.result(connection.connect());
      assertThat(connection.isConnected()).isTrue();
    }
  }

  @Test
  void failsClearlyWithTheWrongCa(Vertx vertx) throws Exception {
    MqttOptions options =
        tls(MqttVersion.V5, "other-ca.crt")
            .clientCertFile(dir.resolve("client-ec.crt"))
            .clientKeyFile(dir.resolve("client-ec.key"))
            .build();
    try (MeteredMqttConnection connection = MqttConnections.create(vertx, options)) {
      Throwable failure = Await.failure(connection.connect());

      assertThat(failure)
          .isInstanceOf(MqttConnectionException.class)
          .hasMessageContaining("Cannot connect to MQTT broker ssl://127.0.0.1:" + port)
          .hasMessageContaining("PKIX path building failed");
      assertThat(connection.isConnected()).isFalse();
    }
  }

  @Test
  void failsWithoutAClientCertificate(Vertx vertx) throws Exception {
    try (MeteredMqttConnection connection =
        MqttConnections.create(vertx, tls(MqttVersion.V5, "ca.crt").build())) {
      assertThat(Await.failure(connection.connect()))
          .isInstanceOf(MqttConnectionException.class)
          .hasMessageContaining("Cannot connect to MQTT broker ssl://127.0.0.1:" + port);
    }
  }

  @Test
  void rejectsAKeyThatIsNotPkcs8(Vertx vertx) throws Exception {
    Path pkcs1 = dir.resolve("client-rsa-pkcs1.key");
    openssl("rsa -in client-rsa.key -traditional -out " + pkcs1.getFileName());
    MqttOptions options =
        tls(MqttVersion.V5, "ca.crt")
            .clientCertFile(dir.resolve("client-rsa.crt"))
            .clientKeyFile(pkcs1)
            .build();

    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> MqttConnections.create(vertx, options)))
        .isInstanceOf(MqttConnectionException.class)
        .hasMessageContaining("clientKeyFile " + pkcs1)
        .hasMessageContaining("not an unencrypted PKCS#8 PEM key");
  }

  private static void signed(String name, String keySpec, String extra) throws Exception {
    openssl(
        "req -newkey "
            + keySpec
            + " -nodes -keyout "
            + name
            + ".key -out "
            + name
            + ".csr -subj /CN="
            + name);
    openssl(
        "x509 -req -in "
            + name
            + ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -out "
            + name
            + ".crt -days 2 "
            + extra);
  }

  private static void openssl(String args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add(OPENSSL.toString());
    command.addAll(List.of(args.trim().split("\\s+")));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("openssl %s: %s", args, output).isZero();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    }
  }
}
