package io.isthmus.console.rollout;

import static io.isthmus.console.rollout.FakeFleet.PIPELINE;
import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.console.audit.AuditEntry;
import io.isthmus.console.audit.JdbcAuditLog;
import io.isthmus.console.store.Database;
import io.isthmus.console.store.TestDatabases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A rollout kept in PostgreSQL survives a console restart and continues where it was. */
class JdbcRolloutStoreTest {

  static List<String> targets() {
    return TestDatabases.targets();
  }

  @ParameterizedTest
  @MethodSource("targets")
  void restartedEngineContinuesTheRollout(String target) {
    Database db = TestDatabases.open(target);
    try {
      MutableClock clock = new MutableClock();
      FakeFleet fleet = new FakeFleet();
      fleet.addMany(20, Map.of("site", "a"), "1");
      fleet.confirm(
          "gw-000", "1", FakeFleet.stats(500, 5, 1000).toBuilder().setModelVersion("1").build());
      JdbcAuditLog audit = new JdbcAuditLog(db.dataSource(), clock);
      RolloutSpec spec =
          new RolloutSpec(
              "vib 2 to site a",
              PIPELINE,
              "vibration",
              "2",
              Map.of("site", "a"),
              List.of(5, 50, 100),
              0.9,
              new ErrorThreshold(3, 20.0),
              true,
              120L,
              new HealthGate(0, 0.05, 2.0),
              7);
      RolloutEngine first =
          new RolloutEngine(
              clock, fleet, fleet, fleet, new JdbcRolloutStore(db.dataSource()), audit);
      Rollout rollout = first.create(spec, "alice");
      fleet.confirmAll(null);
      first.tick();
      assertThat(rollout.currentWave()).isEqualTo(1);
      assertThat(fleet.reachedWith("2")).isEqualTo(10);

      // WHEN the console restarts
      RolloutEngine second =
          new RolloutEngine(
              clock, fleet, fleet, fleet, new JdbcRolloutStore(db.dataSource()), audit);
      second.load();
      Rollout loaded = second.get(rollout.id()).orElseThrow();

      // THEN spec, wave and targets are as they were
      assertThat(loaded.spec()).isEqualTo(spec);
      assertThat(loaded.currentWave()).isEqualTo(1);
      assertThat(loaded.targets()).hasSize(10);
      assertThat(loaded.targets())
          .filteredOn(t -> t.wave() == 0)
          .singleElement()
          .satisfies(t -> assertThat(t.status()).isEqualTo(TargetStatus.SUCCEEDED));
      RolloutTarget canary =
          loaded.targets().stream().filter(t -> t.wave() == 0).findFirst().orElseThrow();
      assertThat(canary.previousVersion()).isEqualTo("1");
      // and it continues to completion without reaching any gateway twice
      for (int i = 0; i < 3; i++) {
        fleet.confirmAll(null);
        second.tick();
      }
      assertThat(loaded.state()).isEqualTo(RolloutState.COMPLETED);
      assertThat(fleet.assignments).hasSize(20).doesNotHaveDuplicates();
      List<AuditEntry> history = audit.list(rollout.id(), 100);
      assertThat(history.get(0).action()).isEqualTo("completed");
      assertThat(history.get(history.size() - 1).action()).isEqualTo("created");
      assertThat(history.get(history.size() - 1).actor()).isEqualTo("alice");
      RolloutEngine third =
          new RolloutEngine(
              clock, fleet, fleet, fleet, new JdbcRolloutStore(db.dataSource()), audit);
      third.load();
      assertThat(third.get(rollout.id()).orElseThrow().state()).isEqualTo(RolloutState.COMPLETED);
      assertThat(third.get(rollout.id()).orElseThrow().count(TargetStatus.SUCCEEDED)).isEqualTo(20);
    } finally {
      TestDatabases.close(db);
    }
  }
}
