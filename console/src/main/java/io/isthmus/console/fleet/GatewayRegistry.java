package io.isthmus.console.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.console.rollout.AuditLog;
import io.isthmus.console.rollout.DesiredStateWriter;
import io.isthmus.console.rollout.FleetView;
import io.isthmus.console.store.Jdbc;
import io.isthmus.console.store.StoreException;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.ReportedState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateways the console knows: registered on their first report (with the labels they declare),
 * their last report and desired state, operator labels, and offline detection (no report within
 * {@code offlineAfter}; gateways send heartbeat reports). Publishes desired states through the
 * {@link FleetTransport} at once and writes changes to PostgreSQL in batches ({@link #flush()},
 * called after every engine step).
 *
 * <p>Changes ({@link #report}, {@link #labels}, {@link #assign}, {@link #sweepOffline}, {@link
 * #flush}) must come from the console's one fleet thread; reads ({@link #gateways()}, {@link
 * #list}, {@link #get}) are safe from any thread.
 */
public final class GatewayRegistry implements FleetView, DesiredStateWriter {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayRegistry.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};

  /** On a transport that retains nothing, how often a missed desired state is sent again. */
  static final Duration RESEND_AFTER = Duration.ofSeconds(30);

  private final Jdbc jdbc;
  private final FleetTransport transport;
  private final AuditLog audit;
  private final Clock clock;
  private final Duration offlineAfter;
  private final Map<String, GatewayRecord> gateways = new ConcurrentHashMap<>();
  private final Set<String> offline = new HashSet<>();
  private final Set<String> dirty = new java.util.LinkedHashSet<>();
  private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();

  public GatewayRegistry(
      DataSource dataSource,
      FleetTransport transport,
      AuditLog audit,
      Clock clock,
      Duration offlineAfter) {
    this.jdbc = new Jdbc(dataSource);
    this.transport = transport;
    this.audit = audit;
    this.clock = clock;
    this.offlineAfter = offlineAfter;
  }

  /** Reads every gateway from the store (at start-up). */
  public void load() {
    for (GatewayRecord record :
        jdbc.query(
            "SELECT id, reported_labels, operator_labels, platform, agent_version, first_seen,"
                + " last_seen, reported, desired, desired_generation FROM gateways",
            s -> {},
            GatewayRegistry::record)) {
      gateways.put(record.id(), record);
      if (!record.online(clock.instant(), offlineAfter)) {
        offline.add(record.id());
      }
    }
    LOG.info("{} gateway(s) known", gateways.size());
  }

  /**
   * Publishes every stored desired state again (after a (re)connect: the broker may have lost
   * them).
   */
  public void republishAll() {
    int n = 0;
    for (GatewayRecord record : gateways.values()) {
      if (record.desired() != null) {
        transport.publishDesired(record.id(), record.desired());
        n++;
      }
    }
    if (n > 0) {
      LOG.info("published {} desired state(s) again", n);
    }
  }

  /**
   * Takes a gateway's report: registers it if new, else updates it. The row is written by the next
   * {@link #flush()}, in one batch with the other changes (a fleet reports far more often than one
   * round trip per report allows).
   */
  public void report(String gatewayId, ReportedState report) {
    Instant now = clock.instant();
    GatewayRecord known = gateways.get(gatewayId);
    GatewayRecord updated;
    if (known == null) {
      updated =
          new GatewayRecord(
              gatewayId,
              report.getLabelsMap(),
              Map.of(),
              report.getPlatform(),
              report.getAgentVersion(),
              now,
              now,
              report,
              null,
              0);
      audit.record(
          null,
          "gateway",
          "gateway-registered",
          gatewayId
              + " registered with labels "
              + updated.labels()
              + " ("
              + report.getPlatform()
              + ")");
    } else {
      updated = known.withReport(report, now);
    }
    gateways.put(gatewayId, updated);
    dirty.add(gatewayId);
    resendIfMissed(updated, report, now);
    if (offline.remove(gatewayId)) {
      audit.record(null, "gateway", "gateway-online", gatewayId + " reports again");
    }
  }

  /**
   * On a transport that keeps nothing for an absent gateway, a report of an older generation than
   * the one the console holds means the gateway missed it (or is still working on it): send it
   * again, at most every {@link #RESEND_AFTER}. The agent ignores a generation it already holds, so
   * a repeat is harmless.
   */
  private void resendIfMissed(GatewayRecord gateway, ReportedState report, Instant now) {
    DesiredState desired = gateway.desired();
    if (transport.retainsDesired()
        || desired == null
        || report.getObservedGeneration() >= desired.getGeneration()) {
      return;
    }
    Instant sent = lastSent.get(gateway.id());
    if (sent == null || !now.isBefore(sent.plus(RESEND_AFTER))) {
      lastSent.put(gateway.id(), now);
      transport.publishDesired(gateway.id(), desired);
    }
  }

  /** Writes every gateway changed since the last flush, in one transaction. */
  public void flush() {
    if (dirty.isEmpty()) {
      return;
    }
    List<GatewayRecord> changed = new ArrayList<>(dirty.size());
    for (String id : dirty) {
      changed.add(gateways.get(id));
    }
    dirty.clear();
    jdbc.batch(
        "INSERT INTO gateways (id, reported_labels, operator_labels, platform, agent_version,"
            + " first_seen, last_seen, reported, desired, desired_generation)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            + " reported_labels = EXCLUDED.reported_labels, operator_labels ="
            + " EXCLUDED.operator_labels, platform = EXCLUDED.platform, agent_version ="
            + " EXCLUDED.agent_version, last_seen = EXCLUDED.last_seen, reported ="
            + " EXCLUDED.reported, desired = EXCLUDED.desired, desired_generation ="
            + " EXCLUDED.desired_generation",
        changed,
        (s, g) -> {
          s.setString(1, g.id());
          s.setString(2, json(g.reportedLabels()));
          s.setString(3, json(g.operatorLabels()));
          s.setString(4, g.platform());
          s.setString(5, g.agentVersion());
          s.setTimestamp(6, Timestamp.from(g.firstSeen()));
          s.setTimestamp(7, Timestamp.from(g.lastSeen()));
          setBytes(s, 8, g.reported() == null ? null : g.reported().toByteArray());
          setBytes(s, 9, g.desired() == null ? null : g.desired().toByteArray());
          s.setLong(10, g.desiredGeneration());
        });
  }

  private static void setBytes(java.sql.PreparedStatement s, int index, byte[] bytes)
      throws SQLException {
    if (bytes == null) {
      s.setNull(index, Types.BINARY);
    } else {
      s.setBytes(index, bytes);
    }
  }

  /**
   * Replaces the operator labels of a gateway.
   *
   * @return the updated gateway, or empty if unknown
   */
  public Optional<GatewayRecord> labels(
      String gatewayId, Map<String, String> labels, String actor) {
    GatewayRecord known = gateways.get(gatewayId);
    if (known == null) {
      return Optional.empty();
    }
    GatewayRecord updated = known.withOperatorLabels(labels);
    gateways.put(gatewayId, updated);
    dirty.add(gatewayId);
    flush();
    audit.record(null, actor, "labels-set", gatewayId + " operator labels " + labels);
    return Optional.of(updated);
  }

  /** Records gateways that stopped reporting (and, in {@link #report}, those that came back). */
  public void sweepOffline() {
    Instant now = clock.instant();
    for (GatewayRecord record : gateways.values()) {
      if (!record.online(now, offlineAfter) && offline.add(record.id())) {
        audit.record(
            null,
            "engine",
            "gateway-offline",
            record.id()
                + " sent no report for "
                + offlineAfter.toSeconds()
                + " s (last at "
                + record.lastSeen().truncatedTo(ChronoUnit.SECONDS)
                + ")");
      }
    }
  }

  @Override
  public long assign(String gatewayId, String pipeline, DesiredModel model) {
    GatewayRecord known = gateways.get(gatewayId);
    if (known == null) {
      throw new IllegalArgumentException("unknown gateway " + gatewayId);
    }
    long observed = known.reported() == null ? 0 : known.reported().getObservedGeneration();
    long generation = Math.max(known.desiredGeneration(), observed) + 1;
    DesiredState.Builder state =
        known.desired() == null ? DesiredState.newBuilder() : known.desired().toBuilder();
    DesiredState desired =
        state
            .setGatewayId(gatewayId)
            .setGeneration(generation)
            .putPipelines(pipeline, model)
            .setUpdatedAtUs(ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant()))
            .build();
    // written by the next flush: should the console stop before it, the gateway's report of this
    // generation still keeps the next one higher
    gateways.put(gatewayId, known.withDesired(desired));
    dirty.add(gatewayId);
    lastSent.put(gatewayId, clock.instant());
    transport.publishDesired(gatewayId, desired);
    return generation;
  }

  @Override
  public Collection<Gateway> gateways() {
    Instant now = clock.instant();
    List<Gateway> out = new ArrayList<>(gateways.size());
    for (GatewayRecord record : gateways.values()) {
      out.add(
          new Gateway(
              record.id(), record.labels(), record.online(now, offlineAfter), record.reported()));
    }
    return out;
  }

  public Optional<GatewayRecord> get(String id) {
    return Optional.ofNullable(gateways.get(id));
  }

  /** Whether {@code record} is online now. */
  public boolean online(GatewayRecord record) {
    return record.online(clock.instant(), offlineAfter);
  }

  /**
   * Gateways matching every filter, sorted by id.
   *
   * @param labels labels a gateway must carry (merged view)
   * @param online null for any, else only online or only offline gateways
   * @param version null for any, else gateways where some pipeline serves this version
   */
  public List<GatewayRecord> list(Map<String, String> labels, Boolean online, String version) {
    Instant now = clock.instant();
    return gateways.values().stream()
        .filter(g -> g.labels().entrySet().containsAll(labels.entrySet()))
        .filter(g -> online == null || g.online(now, offlineAfter) == online)
        .filter(
            g ->
                version == null
                    || (g.reported() != null
                        && g.reported().getPipelinesMap().values().stream()
                            .anyMatch(p -> p.getActiveVersion().equals(version))))
        .sorted(Comparator.comparing(GatewayRecord::id))
        .toList();
  }

  private static GatewayRecord record(ResultSet row) throws SQLException {
    try {
      byte[] reported = row.getBytes(8);
      byte[] desired = row.getBytes(9);
      return new GatewayRecord(
          row.getString(1),
          JSON.readValue(row.getString(2), LABELS),
          JSON.readValue(row.getString(3), LABELS),
          row.getString(4),
          row.getString(5),
          row.getTimestamp(6).toInstant(),
          row.getTimestamp(7).toInstant(),
          reported == null ? null : ReportedState.parseFrom(reported),
          desired == null ? null : DesiredState.parseFrom(desired),
          row.getLong(10));
    } catch (JsonProcessingException | InvalidProtocolBufferException e) {
      throw new StoreException("Gateway " + row.getString(1) + " has unreadable columns", e);
    }
  }

  private static String json(Map<String, String> labels) {
    try {
      return JSON.writeValueAsString(labels);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("labels always serialize", e);
    }
  }
}
