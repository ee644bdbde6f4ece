package io.isthmus.agent.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class MqttOptionsTest {

  @Test
  void hasTheDocumentedDefaults() {
    MqttOptions options = MqttOptions.builder("tcp://127.0.0.1:1883").build();

    assertThat(options.serverUri()).isEqualTo("tcp://127.0.0.1:1883");
    assertThat(options.mqttVersion()).isEqualTo(MqttVersion.V5);
    assertThat(options.clientId()).matches("isthmus-[0-9a-f]{12}");
    assertThat(options.keepAlive()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.cleanStart()).isTrue();
    assertThat(options.sessionExpiry()).isEqualTo(Duration.ZERO);
    assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.reconnectInitialDelay()).isEqualTo(Duration.ofMillis(100));
    assertThat(options.reconnectMaxDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.maxInflight()).isEqualTo(1000);
    assertThat(options.verifyHostname()).isTrue();
    assertThat(options.sharedGroup()).isEmpty();
    assertThat(options.username()).isEmpty();
    assertThat(options.password()).isEmpty();
    assertThat(options.isTls()).isFalse();
    assertThat(MqttOptions.builder("tcp://h:1").build().clientId())
        .isNotEqualTo(options.clientId());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost:1883",
        "http://localhost:1883",
        "tcp://localhost",
        "tcp://:1883",
        "tcp://localhost:0",
        "tcp://localhost:70000",
        "tcp://localhost:1883/path",
        "tcp://user@localhost:1883",
        "not a uri"
      })
  void rejectsBadServerUris(String uri) {
    assertThatThrownBy(() -> MqttOptions.builder(uri))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serverUri '" + uri + "' is not valid")
        .hasMessageContaining("tcp://host:port or ssl://host:port");
  }

  @Test
  void everySetterNamesTheOptionAndTheBadValue() {
    MqttOptions.Builder b = MqttOptions.builder("tcp://127.0.0.1:1883");

    assertThatThrownBy(() -> b.clientId(" ")).hasMessageContaining("clientId ' '");
    assertThatThrownBy(() -> b.username("")).hasMessageContaining("username");
    assertThatThrownBy(() -> b.password(null)).hasMessageContaining("password");
    assertThatThrownBy(() -> b.keepAlive(Duration.ofSeconds(70_000)))
        .hasMessageContaining("keepAlive PT19H26M40S is not valid");
    assertThatThrownBy(() -> b.keepAlive(Duration.ofMillis(1500)))
        .hasMessageContaining("keepAlive PT1.5S");
    assertThatThrownBy(() -> b.sessionExpiry(Duration.ofSeconds(-1)))
        .hasMessageContaining("sessionExpiry PT-1S");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ofMillis(10)))
        .hasMessageContaining("connectTimeout PT0.01S")
        .hasMessageContaining("at least 1 second");
    assertThatThrownBy(() -> b.reconnectInitialDelay(Duration.ZERO))
        .hasMessageContaining("reconnectInitialDelay PT0S");
    assertThatThrownBy(() -> b.reconnectMaxDelay(null))
        .hasMessageContaining("reconnectMaxDelay null");
    assertThatThrownBy(() -> b.sharedGroup("a/b")).hasMessageContaining("sharedGroup 'a/b'");
    assertThatThrownBy(() -> b.sharedGroup("")).hasMessageContaining("sharedGroup ''");
    assertThatThrownBy(() -> b.maxInflight(0)).hasMessageContaining("maxInflight 0");
    assertThatThrownBy(() -> b.maxInflight(70_000)).hasMessageContaining("maxInflight 70000");
    assertThatThrownBy(() -> b.caFile(Path.of("/no/such/ca.pem")))
        .hasMessageContaining("caFile /no/such/ca.pem is not valid");
    assertThatThrownBy(() -> b.clientKeyFile(null)).hasMessageContaining("clientKeyFile");
    assertThatThrownBy(() -> b.mqttVersion(null)).hasMessageContaining("mqttVersion");
  }

  @Test
  void sharedGroupNeedsMqtt5() {
    MqttOptions.Builder b =
        MqttOptions.builder("tcp://127.0.0.1:1883")
            .mqttVersion(MqttVersion.V3_1_1)
            .sharedGroup("agents");

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sharedGroup 'agents' needs mqttVersion V5")
        .hasMessageContaining("mqttVersion is V3_1_1");
    assertThat(b.mqttVersion(MqttVersion.V5).build().sharedGroup()).contains("agents");
  }

  @Test
  void sessionExpiryNeedsMqtt5() {
    assertThatThrownBy(
            () ->
                MqttOptions.builder("tcp://127.0.0.1:1883")
                    .mqttVersion(MqttVersion.V3_1_1)
                    .sessionExpiry(Duration.ofMinutes(1))
                    .build())
        .hasMessageContaining("sessionExpiry PT1M needs mqttVersion V5");
  }

  @Test
  void reconnectMaxDelayMustNotBeShorterThanTheInitialDelay() {
    assertThatThrownBy(
            () ->
                MqttOptions.builder("tcp://127.0.0.1:1883")
                    .reconnectInitialDelay(Duration.ofSeconds(5))
                    .reconnectMaxDelay(Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("reconnectMaxDelay PT1S is shorter than reconnectInitialDelay PT5S");
  }

  @Test
  void tlsFilesNeedSslAndComeInPairs(@TempDir Path dir) throws IOException {
    Path pem = Files.writeString(dir.resolve("x.pem"), "not checked here");

    assertThatThrownBy(() -> MqttOptions.builder("tcp://127.0.0.1:1883").caFile(pem).build())
        .hasMessageContaining("need an ssl:// serverUri, but serverUri is tcp://127.0.0.1:1883");
    assertThatThrownBy(
            () -> MqttOptions.builder("ssl://127.0.0.1:8883").clientCertFile(pem).build())
        .hasMessageContaining("clientCertFile and clientKeyFile must be set together")
        .hasMessageContaining("only clientCertFile is set");
    MqttOptions tls =
        MqttOptions.builder("ssl://127.0.0.1:8883")
            .caFile(pem)
            .clientCertFile(pem)
            .clientKeyFile(pem)
            .verifyHostname(false)
            .build();
    assertThat(tls.isTls()).isTrue();
    assertThat(tls.caFile()).contains(pem);
    assertThat(tls.verifyHostname()).isFalse();
  }

  @Test
  void keepsThePasswordOutOfToStringAndCopiesIt() {
    char[] secret = "s3cr3t-pw".toCharArray();
    MqttOptions options =
        MqttOptions.builder("tcp://127.0.0.1:1883").username("gw").password(secret).build();
    secret[0] = 'X';

    assertThat(options.toString()).doesNotContain("s3cr3t").contains("credentials=true");
    assertThat(options.password())
        .hasValueSatisfying(p -> assertThat(p).isEqualTo("s3cr3t-pw".toCharArray()));
    options.password().get()[0] = 'Y';
    assertThat(new String(options.password().get())).isEqualTo("s3cr3t-pw");
  }

  @Test
  void passwordNeedsAUsername() {
    assertThatThrownBy(
            () -> MqttOptions.builder("tcp://127.0.0.1:1883").password(new char[] {'x'}).build())
        .hasMessageContaining("password is set but username is not");
  }
}
