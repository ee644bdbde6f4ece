package io.isthmus.console.rollout;

import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.PipelineStats;
import io.isthmus.protocol.v1.PipelineStatus;
import io.isthmus.protocol.v1.ReportedState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fleet, model catalog, desired-state writer, store and audit log in memory, for engine tests.
 */
final class FakeFleet
    implements FleetView, ModelCatalog, DesiredStateWriter, RolloutStore, AuditLog {
  static final String PIPELINE = "vib";

  final Map<String, Gateway> gateways = new LinkedHashMap<>();
  final Map<String, Long> generations = new HashMap<>();

  /** gateway -> version the desired state names now. */
  final Map<String, String> desired = new HashMap<>();

  final List<String> assignments = new ArrayList<>();
  final List<String[]> audit = new ArrayList<>();
  final Map<Long, Rollout> stored = new LinkedHashMap<>();
  final List<String> versions = new ArrayList<>(List.of("1", "2", "3"));
  long nextId = 1;

  void add(String id, Map<String, String> labels, String activeVersion) {
    gateways.put(id, new Gateway(id, labels, true, report(id, 0, activeVersion, null, null)));
  }

  void addMany(int n, Map<String, String> labels, String activeVersion) {
    for (int i = 0; i < n; i++) {
      add(String.format("gw-%03d", i), labels, activeVersion);
    }
  }

  /** The gateway reports it serves {@code version} at its current desired generation. */
  void confirm(String id, String version, PipelineStats stats) {
    Gateway g = gateways.get(id);
    gateways.put(
        id,
        new Gateway(
            id,
            g.labels(),
            g.online(),
            report(id, generations.getOrDefault(id, 0L), version, stats, null)));
  }

  /** Every gateway whose desired state names a version it does not serve confirms it. */
  void confirmAll(PipelineStats statsTemplate) {
    for (String id : new ArrayList<>(gateways.keySet())) {
      String want = desired.get(id);
      if (want != null && !want.equals(active(id))) {
        confirm(
            id,
            want,
            statsTemplate == null ? null : statsTemplate.toBuilder().setModelVersion(want).build());
      }
    }
  }

  void refuse(String id, String error) {
    Gateway g = gateways.get(id);
    gateways.put(
        id,
        new Gateway(
            id,
            g.labels(),
            g.online(),
            report(id, generations.getOrDefault(id, 0L), active(id), null, error)));
  }

  void offline(String id) {
    Gateway g = gateways.get(id);
    gateways.put(id, new Gateway(id, g.labels(), false, g.reported()));
  }

  String active(String id) {
    return gateways.get(id).reported().getPipelinesMap().get(PIPELINE).getActiveVersion();
  }

  long reachedWith(String version) {
    return desired.values().stream().filter(version::equals).count();
  }

  boolean audited(String action, String fragment) {
    return audit.stream().anyMatch(a -> a[1].equals(action) && a[2].contains(fragment));
  }

  static PipelineStats stats(long runs, long errors, long p95) {
    return PipelineStats.newBuilder()
        .setRuns(runs)
        .setErrors(errors)
        .setP50Us(p95 / 2)
        .setP95Us(p95)
        .build();
  }

  private static ReportedState report(
      String id, long generation, String version, PipelineStats stats, String error) {
    PipelineStatus.Builder status =
        PipelineStatus.newBuilder()
            .setModelName("vibration")
            .setActiveVersion(version)
            .setInstalledVersion(version);
    if (stats != null) {
      status.setStats(stats);
    }
    if (error != null) {
      status.setLastError(error);
    }
    return ReportedState.newBuilder()
        .setGatewayId(id)
        .setObservedGeneration(generation)
        .putPipelines(PIPELINE, status.build())
        .build();
  }

  @Override
  public Collection<Gateway> gateways() {
    return new ArrayList<>(gateways.values());
  }

  @Override
  public Optional<DesiredModel> desiredModel(String name, String version) {
    if (!versions.contains(version)) {
      return Optional.empty();
    }
    return Optional.of(
        DesiredModel.newBuilder()
            .setModelName(name)
            .setModelVersion(version)
            .setDownloadUrl("http://console/artifacts/" + version)
            .setSha256("00" + version)
            .build());
  }

  @Override
  public long assign(String gatewayId, String pipeline, DesiredModel model) {
    long generation = generations.merge(gatewayId, 1L, Long::sum);
    desired.put(gatewayId, model.getModelVersion());
    assignments.add(gatewayId + "=" + model.getModelVersion());
    return generation;
  }

  @Override
  public long create(RolloutSpec spec, Instant createdAt) {
    return nextId++;
  }

  @Override
  public void save(Rollout rollout) {
    stored.put(rollout.id(), rollout);
  }

  @Override
  public void saveTargets(long rolloutId, Collection<RolloutTarget> targets) {}

  @Override
  public List<Rollout> loadAll() {
    return new ArrayList<>(stored.values());
  }

  @Override
  public void record(Long rolloutId, String actor, String action, String detail) {
    audit.add(new String[] {actor, action, detail, String.valueOf(rolloutId)});
  }
}
