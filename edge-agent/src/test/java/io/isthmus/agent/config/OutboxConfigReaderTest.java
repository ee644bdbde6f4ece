package io.isthmus.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.agent.outbox.FsyncPolicy;
import io.isthmus.agent.outbox.FullPolicy;
import io.isthmus.agent.outbox.OutboxOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutboxConfigReaderTest {
  private static final String PIPELINES =
      """
      gateway: {id: gw-7}
      broker: {embedded: {enabled: true, port: 0}}
      pipelines:
        - name: vibration
          pre: [{window: {size: 256}}]
          model: {path: m.onnx}
      """;

  private static OutboxConfig outbox(String section) {
    return AgentConfigReader.parse(PIPELINES + section, Path.of("/etc/isthmus"))
        .outbox()
        .orElseThrow();
  }

  private static void rejected(String section, String... messageParts) {
    assertThatThrownBy(() -> AgentConfigReader.parse(PIPELINES + section, Path.of("/tmp")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContainingAll(messageParts);
  }

  @Test
  void withoutAnOutboxSectionResultsArePublishedDirectly() {
    assertThat(AgentConfigReader.parse(PIPELINES, Path.of("/etc/isthmus")).outbox()).isEmpty();
  }

  @Test
  void onlyTheFolderIsRequiredAndTheRestDefaultsToTheOutboxDefaults() {
    OutboxConfig config = outbox("outbox: {dir: outbox}\n");

    assertThat(config.dir()).isEqualTo(Path.of("/etc/isthmus/outbox"));
    assertThat(config.fsync()).isEqualTo(FsyncPolicy.ALWAYS);
    assertThat(config.fsyncInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.maxBytes()).isEqualTo(256L << 20);
    assertThat(config.whenFull()).isEqualTo(FullPolicy.DROP_OLDEST);
  }

  @Test
  void everySettingIsRead() {
    OutboxConfig config =
        outbox(
            """
            outbox:
              dir: /var/lib/isthmus/outbox
              fsync: interval
              fsyncInterval: 50ms
              maxBytes: 2GiB
              whenFull: reject
            """);

    assertThat(config.dir()).isEqualTo(Path.of("/var/lib/isthmus/outbox"));
    assertThat(config.fsync()).isEqualTo(FsyncPolicy.INTERVAL);
    assertThat(config.fsyncInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.maxBytes()).isEqualTo(2L << 30);
    assertThat(config.whenFull()).isEqualTo(FullPolicy.REJECT);
    assertThat(outbox("outbox: {dir: o, maxBytes: 65536, fsync: never}\n").maxBytes())
        .isEqualTo(65536);
    assertThat(outbox("outbox: {dir: o, maxBytes: 64KiB}\n").maxBytes()).isEqualTo(65536);
  }

  @Test
  void theOptionsCarryTheGatewayIdAndSegmentsFitTheQuota() {
    OutboxOptions small = outbox("outbox: {dir: o, maxBytes: 8KiB}\n").options("gw-7");
    OutboxOptions large = outbox("outbox: {dir: o, maxBytes: 1GiB}\n").options("gw-7");

    assertThat(small.gatewayId()).isEqualTo("gw-7");
    assertThat(small.segmentBytes()).isEqualTo(4096);
    assertThat(large.segmentBytes()).isEqualTo(OutboxOptions.DEFAULT_SEGMENT_BYTES);
    assertThat(outbox("outbox: {dir: o, maxBytes: 1MiB}\n").options("gw-7").segmentBytes())
        .isEqualTo(128 << 10);
  }

  @Test
  void badValuesNameTheirKeyAndSayWhatIsExpected() {
    rejected("outbox: {fsync: never}\n", "outbox.dir");
    rejected("outbox: {dir: o, fsync: sometimes}\n", "outbox.fsync", "always", "interval", "never");
    rejected("outbox: {dir: o, whenFull: block}\n", "outbox.whenFull", "drop-oldest", "reject");
    rejected("outbox: {dir: o, maxBytes: 4096}\n", "outbox.maxBytes", "at least 8192");
    rejected("outbox: {dir: o, maxBytes: 10TB}\n", "outbox.maxBytes", "256MiB");
    rejected("outbox: {dir: o, maxBytes: 99999999999GiB}\n", "outbox.maxBytes");
    rejected("outbox: {dir: o, fsyncInterval: 2m}\n", "outbox.fsyncInterval", "1 min");
    rejected("outbox: {dir: o, quota: 1GiB}\n", "quota");
  }

  @Test
  void aGatewayIdWithAColonCannotKeyOutboxRecords() {
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    PIPELINES.replace("gw-7", "'gw:7'") + "outbox: {dir: o}\n", Path.of("/tmp")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.id")
        .hasMessageContaining("':'");
  }
}
