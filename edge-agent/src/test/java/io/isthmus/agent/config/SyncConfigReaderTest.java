package io.isthmus.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SyncConfigReaderTest {
  private static final String PIPELINES =
      """
      broker: {embedded: {enabled: true, port: 0}}
      pipelines:
        - name: vibration
          pre: [{window: {size: 256}}]
          model: {path: m.onnx}
      """;

  @Test
  void withoutASyncSectionThereIsNoSync() {
    assertThat(AgentConfigReader.parse(PIPELINES, Path.of("/etc/isthmus")).sync()).isEmpty();
  }

  @Test
  void aSyncSectionIsReadWithRelativePathsResolvedAndDefaults() {
    SyncConfig sync =
        AgentConfigReader.parse(
                PIPELINES
                    + """
                    sync:
                      dir: sync
                      trustedKeys: keys/
                      desiredFile: desired.pb
                      platform: linux-aarch64
                      download: {bytesPerSecond: 1000000, attempts: 4}
                      rollback: {window: 30s, maxErrorRate: 0.05, maxP99: 20ms}
                    """,
                Path.of("/etc/isthmus"))
            .sync()
            .orElseThrow();

    assertThat(sync.dir()).isEqualTo(Path.of("/etc/isthmus/sync"));
    assertThat(sync.trustedKeys()).isEqualTo(Path.of("/etc/isthmus/keys"));
    assertThat(sync.desiredFile()).contains(Path.of("/etc/isthmus/desired.pb"));
    assertThat(sync.platform()).isEqualTo("linux-aarch64");
    assertThat(sync.keep()).isEqualTo(3);
    assertThat(sync.download().bytesPerSecond()).isEqualTo(1_000_000);
    assertThat(sync.download().attempts()).isEqualTo(4);
    assertThat(sync.download().backoffInitial()).isEqualTo(Duration.ofMillis(500));
    assertThat(sync.rollback().window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(sync.rollback().maxErrorRate()).isEqualTo(0.05);
    assertThat(sync.rollback().maxP99()).isEqualTo(Duration.ofMillis(20));
    assertThat(sync.rollback().minRuns()).isEqualTo(20);
    assertThat(sync.heartbeat()).isEqualTo(Duration.ofSeconds(30));
    assertThat(sync.transport()).isEqualTo(SyncConfig.Transport.MQTT);
  }

  @Test
  void theTransportIsMqttOrHono() {
    assertThat(
            AgentConfigReader.parse(
                    PIPELINES + "sync: {dir: s, trustedKeys: k, transport: hono}\n",
                    Path.of("/tmp"))
                .sync()
                .orElseThrow()
                .transport())
        .isEqualTo(SyncConfig.Transport.HONO);
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    PIPELINES + "sync: {dir: s, trustedKeys: k, transport: amqp}\n",
                    Path.of("/tmp")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sync.transport")
        .hasMessageContaining("'amqp' is not a transport: expected mqtt or hono");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(
            () -> AgentConfigReader.parse(PIPELINES + "sync: {dir: s}\n", Path.of("/tmp")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sync.trustedKeys");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    PIPELINES + "sync: {dir: s, trustedKeys: k, rollback: {maxErrorRate: 2}}\n",
                    Path.of("/tmp")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sync.rollback.maxErrorRate")
        .hasMessageContaining("between 0 and 1");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    PIPELINES + "sync: {dir: s, trustedKeys: k, keep: 1}\n", Path.of("/tmp")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sync.keep");
    assertThatThrownBy(
            () ->
                AgentConfigReader.parse(
                    PIPELINES + "sync: {dir: s, trustedKeys: k, heartbeat: 10ms}\n",
                    Path.of("/tmp")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sync.heartbeat")
        .hasMessageContaining("at least 100ms");
  }
}
