package io.isthmus.console.audit;

import io.isthmus.console.rollout.AuditLog;
import io.isthmus.console.store.Jdbc;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The audit history in the {@code audit} table; every entry is also logged. */
public final class JdbcAuditLog implements AuditLog {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcAuditLog.class);

  private final Jdbc jdbc;
  private final Clock clock;

  public JdbcAuditLog(DataSource dataSource, Clock clock) {
    this.jdbc = new Jdbc(dataSource);
    this.clock = clock;
  }

  @Override
  public void record(Long rolloutId, String actor, String action, String detail) {
    LOG.atInfo()
        .addKeyValue("rollout", rolloutId)
        .addKeyValue("actor", actor)
        .addKeyValue("action", action)
        .log("audit: {} {}", action, detail);
    jdbc.update(
        "INSERT INTO audit (at, rollout_id, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
        s -> {
          s.setTimestamp(1, Timestamp.from(clock.instant()));
          if (rolloutId == null) {
            s.setNull(2, Types.BIGINT);
          } else {
            s.setLong(2, rolloutId);
          }
          s.setString(3, actor);
          s.setString(4, action);
          s.setString(5, detail);
        });
  }

  /** The newest {@code limit} entries, newest first, of one rollout or (with null) of all. */
  public List<AuditEntry> list(Long rolloutId, int limit) {
    return jdbc.query(
        "SELECT id, at, rollout_id, actor, action, detail FROM audit"
            + (rolloutId == null ? "" : " WHERE rollout_id = ?")
            + " ORDER BY id DESC LIMIT ?",
        s -> {
          int i = 1;
          if (rolloutId != null) {
            s.setLong(i++, rolloutId);
          }
          s.setInt(i, limit);
        },
        row ->
            new AuditEntry(
                row.getLong(1),
                row.getTimestamp(2).toInstant(),
                (Long) row.getObject(3),
                row.getString(4),
                row.getString(5),
                row.getString(6)));
  }
}
