package io.isthmus.console.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.console.audit.JdbcAuditLog;
import io.isthmus.console.store.Database;
import io.isthmus.console.store.TestDatabases;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.PipelineStatus;
import io.isthmus.protocol.v1.ReportedState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GatewayRegistryTest {

  static List<String> targets() {
    return TestDatabases.targets();
  }

  @ParameterizedTest
  @MethodSource("targets")
  void registersOnFirstReportTracksOfflineAndKeepsEverythingAcrossRestarts(String target) {
    Database db = TestDatabases.open(target);
    try {
      TestClock clock = new TestClock();
      RecordingTransport transport = new RecordingTransport();
      JdbcAuditLog audit = new JdbcAuditLog(db.dataSource(), clock);
      GatewayRegistry registry =
          new GatewayRegistry(db.dataSource(), transport, audit, clock, Duration.ofSeconds(30));

      // WHEN a gateway reports for the first time, having acted on generation 7 of an earlier
      // console
      registry.report("gw-1", report(7, "2"));
      // THEN it is registered with its labels and platform, online
      GatewayRecord gw = registry.get("gw-1").orElseThrow();
      assertThat(gw.labels()).containsEntry("site", "plant-1");
      assertThat(gw.platform()).isEqualTo("linux-aarch64");
      assertThat(registry.list(Map.of("site", "plant-1"), true, "2")).hasSize(1);
      assertThat(registry.list(Map.of("site", "plant-2"), null, null)).isEmpty();
      assertThat(registry.list(Map.of(), null, "3")).isEmpty();

      // operator labels win over reported ones
      registry.labels("gw-1", Map.of("site", "lab", "ring", "canary"), "alice");
      assertThat(registry.get("gw-1").orElseThrow().labels())
          .containsEntry("site", "lab")
          .containsEntry("ring", "canary")
          .containsEntry("hw", "pi5");

      // a desired state's generation is above what the gateway last acted on
      long generation = registry.assign("gw-1", "vib", model("3"));
      assertThat(generation).isEqualTo(8);
      assertThat(registry.assign("gw-1", "other", model("9"))).isEqualTo(9);
      DesiredState last = transport.published.get(transport.published.size() - 1);
      assertThat(last.getPipelinesMap()).containsOnlyKeys("vib", "other");
      assertThat(last.getGeneration()).isEqualTo(9);

      // no report for 31 s: offline, audited once; a report brings it back
      clock.advance(Duration.ofSeconds(31));
      registry.sweepOffline();
      registry.sweepOffline();
      assertThat(registry.list(Map.of(), false, null))
          .extracting(GatewayRecord::id)
          .containsExactly("gw-1");
      assertThat(audit.list(null, 100))
          .filteredOn(e -> e.action().equals("gateway-offline"))
          .hasSize(1);
      registry.report("gw-1", report(9, "3"));
      assertThat(registry.list(Map.of(), true, "3")).hasSize(1);
      assertThat(audit.list(null, 100).get(0).action()).isEqualTo("gateway-online");

      registry.flush();
      // a new registry on the same database knows all of it and publishes the desired state again
      RecordingTransport after = new RecordingTransport();
      GatewayRegistry restarted =
          new GatewayRegistry(db.dataSource(), after, audit, clock, Duration.ofSeconds(30));
      restarted.load();
      GatewayRecord back = restarted.get("gw-1").orElseThrow();
      assertThat(back.labels()).containsEntry("site", "lab").containsEntry("hw", "pi5");
      assertThat(back.desiredGeneration()).isEqualTo(9);
      assertThat(back.reported().getObservedGeneration()).isEqualTo(9);
      restarted.republishAll();
      assertThat(after.published).containsExactly(last);
      assertThat(restarted.assign("gw-1", "vib", model("4"))).isEqualTo(10);
    } finally {
      TestDatabases.close(db);
    }
  }

  @ParameterizedTest
  @MethodSource("targets")
  void onATransportThatRetainsNothingAMissedDesiredStateIsSentAgainWhenTheGatewayReports(
      String target) {
    Database db = TestDatabases.open(target);
    try {
      TestClock clock = new TestClock();
      RecordingTransport hono = new RecordingTransport(false);
      GatewayRegistry registry =
          new GatewayRegistry(
              db.dataSource(),
              hono,
              new JdbcAuditLog(db.dataSource(), clock),
              clock,
              Duration.ofSeconds(30));
      registry.report("gw-1", report(1, "1"));
      registry.assign("gw-1", "vib", model("2"));
      assertThat(hono.published).hasSize(1);

      // WHEN the gateway, away when the command went out, reports generation 1 again
      registry.report("gw-1", report(1, "1"));
      // THEN nothing is sent within RESEND_AFTER of the first send ...
      assertThat(hono.published).hasSize(1);
      // ... and after it, the same desired state once more, once per interval
      clock.advance(GatewayRegistry.RESEND_AFTER);
      registry.report("gw-1", report(1, "1"));
      registry.report("gw-1", report(1, "1"));
      assertThat(hono.published).hasSize(2);
      assertThat(hono.published.get(1)).isEqualTo(hono.published.get(0));
      // a gateway that caught up gets nothing more
      clock.advance(GatewayRegistry.RESEND_AFTER);
      registry.report("gw-1", report(2, "2"));
      assertThat(hono.published).hasSize(2);

      // on a retaining transport (MQTT) a stale report sends nothing: the broker holds the state
      RecordingTransport mqtt = new RecordingTransport(true);
      GatewayRegistry retained =
          new GatewayRegistry(
              db.dataSource(),
              mqtt,
              new JdbcAuditLog(db.dataSource(), clock),
              clock,
              Duration.ofSeconds(30));
      retained.report("gw-2", report(1, "1"));
      retained.assign("gw-2", "vib", model("2"));
      clock.advance(GatewayRegistry.RESEND_AFTER);
      retained.report("gw-2", report(1, "1"));
      assertThat(mqtt.published).hasSize(1);
    } finally {
      TestDatabases.close(db);
    }
  }

  private static ReportedState report(long generation, String version) {
    return ReportedState.newBuilder()
        .setGatewayId("gw-1")
        .setObservedGeneration(generation)
        .putPipelines("vib", PipelineStatus.newBuilder().setActiveVersion(version).build())
        .putLabels("site", "plant-1")
        .putLabels("hw", "pi5")
        .setPlatform("linux-aarch64")
        .setAgentVersion("0.1.0")
        .build();
  }

  private static DesiredModel model(String version) {
    return DesiredModel.newBuilder().setModelName("vibration").setModelVersion(version).build();
  }

  private static final class RecordingTransport implements FleetTransport {
    final List<DesiredState> published = new ArrayList<>();
    private final boolean retains;

    RecordingTransport() {
      this(true);
    }

    RecordingTransport(boolean retains) {
      this.retains = retains;
    }

    @Override
    public boolean retainsDesired() {
      return retains;
    }

    @Override
    public CompletableFuture<Void> start(Listener listener) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void publishDesired(String gatewayId, DesiredState state) {
      published.add(state);
    }

    @Override
    public long rejected() {
      return 0;
    }

    @Override
    public void close() {}
  }

  private static final class TestClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
