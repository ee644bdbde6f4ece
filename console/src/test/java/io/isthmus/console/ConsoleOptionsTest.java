package io.isthmus.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsoleOptionsTest {
  private final Path data = Path.of("/var/lib/isthmus-console");

  @Test
  void defaultsAreTheEmbeddedDatabaseAndBrokerOnPort8090() {
    ConsoleOptions options = ConsoleOptions.builder(data).build();
    assertThat(options.port()).isEqualTo(8090);
    assertThat(options.dataDir()).isEqualTo(data);
    assertThat(options.jdbcUrl()).isNull();
    assertThat(options.schema()).isEqualTo("console");
    assertThat(options.mqttUri()).isNull();
    assertThat(options.publicUrl()).isNull();
    assertThat(options.adminToken()).isNull();
    assertThat(options.offlineAfter()).isEqualTo(Duration.ofSeconds(90));
    assertThat(options.tickInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.hono()).isNull();
  }

  @Test
  void everyValueIsKeptAndTheBuilderBuildsAgainAfterAChange() {
    ConsoleOptions.Builder builder =
        ConsoleOptions.builder(data)
            .port(0)
            .database("jdbc:postgresql://db/isthmus", "fleet")
            .mqtt("tcp://broker:1883")
            .publicUrl("https://console.example")
            .adminToken("t0ken")
            .offlineAfter(Duration.ofSeconds(10))
            .tickInterval(Duration.ofMillis(100))
            .hono(new ConsoleOptions.Hono("tenant-a", "kafka:9092"));
    ConsoleOptions first = builder.build();
    ConsoleOptions second = builder.port(9000).build();

    assertThat(first.port()).isZero();
    assertThat(second.port()).isEqualTo(9000);
    for (ConsoleOptions options : new ConsoleOptions[] {first, second}) {
      assertThat(options.jdbcUrl()).isEqualTo("jdbc:postgresql://db/isthmus");
      assertThat(options.schema()).isEqualTo("fleet");
      assertThat(options.mqttUri()).isEqualTo("tcp://broker:1883");
      assertThat(options.publicUrl()).isEqualTo("https://console.example");
      assertThat(options.adminToken()).isEqualTo("t0ken");
      assertThat(options.offlineAfter()).isEqualTo(Duration.ofSeconds(10));
      assertThat(options.tickInterval()).isEqualTo(Duration.ofMillis(100));
      assertThat(options.hono()).isEqualTo(new ConsoleOptions.Hono("tenant-a", "kafka:9092"));
    }
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> ConsoleOptions.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dataDir");
    assertThatThrownBy(() -> ConsoleOptions.builder(data).port(70_000).build())
        .hasMessage("port 70000 is not valid: expected 0 to 65535");
    assertThatThrownBy(() -> ConsoleOptions.builder(data).offlineAfter(Duration.ZERO).build())
        .hasMessage("offlineAfter PT0S is not valid: expected > 0");
    assertThatThrownBy(
            () -> ConsoleOptions.builder(data).tickInterval(Duration.ofMillis(5)).build())
        .hasMessage("tickInterval PT0.005S is not valid: expected >= 10 ms");
  }
}
