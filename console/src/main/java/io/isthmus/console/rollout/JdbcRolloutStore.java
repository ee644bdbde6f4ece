package io.isthmus.console.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.console.store.Jdbc;
import io.isthmus.console.store.StoreException;
import io.isthmus.protocol.v1.PipelineStats;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** {@link RolloutStore} in the {@code rollouts} and {@code rollout_targets} tables. */
public final class JdbcRolloutStore implements RolloutStore {
  static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Jdbc jdbc;

  public JdbcRolloutStore(DataSource dataSource) {
    this.jdbc = new Jdbc(dataSource);
  }

  @Override
  public long create(RolloutSpec spec, Instant createdAt) {
    String json = toJson(spec);
    return jdbc.insert(
        "INSERT INTO rollouts (spec, state, current_wave, created_at, updated_at)"
            + " VALUES (?, ?, 0, ?, ?)",
        s -> {
          s.setString(1, json);
          s.setString(2, RolloutState.RUNNING.name());
          s.setTimestamp(3, Timestamp.from(createdAt));
          s.setTimestamp(4, Timestamp.from(createdAt));
        });
  }

  @Override
  public void save(Rollout rollout) {
    jdbc.update(
        "UPDATE rollouts SET state = ?, current_wave = ?, reason = ?, updated_at = ? WHERE id = ?",
        s -> {
          s.setString(1, rollout.state().name());
          s.setInt(2, rollout.currentWave());
          s.setString(3, rollout.reason());
          s.setTimestamp(4, Timestamp.from(rollout.updatedAt()));
          s.setLong(5, rollout.id());
        });
  }

  @Override
  public void saveTargets(long rolloutId, Collection<RolloutTarget> targets) {
    jdbc.batch(
        "INSERT INTO rollout_targets (rollout_id, gateway_id, wave, status, previous_version,"
            + " baseline, generation, assigned_at, finished_at, reason)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (rollout_id, gateway_id) DO UPDATE SET status = EXCLUDED.status,"
            + " generation = EXCLUDED.generation, assigned_at = EXCLUDED.assigned_at,"
            + " finished_at = EXCLUDED.finished_at, reason = EXCLUDED.reason",
        targets,
        (s, t) -> {
          s.setLong(1, rolloutId);
          s.setString(2, t.gatewayId());
          s.setInt(3, t.wave());
          s.setString(4, t.status().name());
          s.setString(5, t.previousVersion());
          if (t.baseline() == null) {
            s.setNull(6, Types.BINARY);
          } else {
            s.setBytes(6, t.baseline().toByteArray());
          }
          s.setLong(7, t.generation());
          s.setTimestamp(8, Timestamp.from(t.assignedAt()));
          s.setTimestamp(9, t.finishedAt() == null ? null : Timestamp.from(t.finishedAt()));
          s.setString(10, t.reason());
        });
  }

  @Override
  public List<Rollout> loadAll() {
    Map<Long, Rollout> rollouts = new LinkedHashMap<>();
    for (Rollout rollout :
        jdbc.query(
            "SELECT id, spec, state, current_wave, reason, created_at, updated_at FROM rollouts"
                + " ORDER BY id",
            s -> {},
            JdbcRolloutStore::rollout)) {
      rollouts.put(rollout.id(), rollout);
    }
    jdbc.query(
        "SELECT rollout_id, gateway_id, wave, status, previous_version, baseline, generation,"
            + " assigned_at, finished_at, reason FROM rollout_targets ORDER BY rollout_id, assigned_at",
        s -> {},
        row -> {
          Rollout rollout = rollouts.get(row.getLong(1));
          rollout.restore(target(row));
          return null;
        });
    return List.copyOf(rollouts.values());
  }

  private static Rollout rollout(ResultSet row) throws SQLException {
    RolloutSpec spec;
    try {
      spec = JSON.readValue(row.getString(2), RolloutSpec.class);
    } catch (JsonProcessingException e) {
      throw new StoreException("Rollout " + row.getLong(1) + " has an unreadable spec", e);
    }
    return new Rollout(
        row.getLong(1),
        spec,
        RolloutState.valueOf(row.getString(3)),
        row.getInt(4),
        row.getString(5),
        row.getTimestamp(6).toInstant(),
        row.getTimestamp(7).toInstant());
  }

  private static RolloutTarget target(ResultSet row) throws SQLException {
    byte[] baseline = row.getBytes(6);
    Timestamp finished = row.getTimestamp(9);
    try {
      return new RolloutTarget(
          row.getString(2),
          row.getInt(3),
          row.getString(5),
          baseline == null ? null : PipelineStats.parseFrom(baseline),
          row.getLong(7),
          row.getTimestamp(8).toInstant(),
          TargetStatus.valueOf(row.getString(4)),
          finished == null ? null : finished.toInstant(),
          row.getString(10));
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("Target " + row.getString(2) + " has an unreadable baseline", e);
    }
  }

  private static String toJson(RolloutSpec spec) {
    try {
      return JSON.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A rollout spec always serializes", e);
    }
  }
}
