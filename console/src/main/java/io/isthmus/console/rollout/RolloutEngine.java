package io.isthmus.console.rollout;

import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.GatewayEventKind;
import io.isthmus.protocol.v1.PipelineStats;
import io.isthmus.protocol.v1.PipelineStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives rollouts: reaches gateways wave by wave, judges each gateway from its reports, halts on
 * the error threshold or a failed wave (rolling back if asked), and records every decision in the
 * audit log.
 *
 * <p>Not thread-safe: every call must come from one thread (the console runs it on its fleet
 * thread). {@link #tick()} is called periodically and after reports; it is where all progress
 * happens, so a restarted console that {@link #load()}s the store simply continues.
 *
 * <p>Ownership: a gateway's pipeline is driven by the highest-priority running or paused rollout
 * whose selector matches it (newer wins a tie). A rollout that loses a gateway it already reached
 * marks it {@link TargetStatus#SUPERSEDED}. A completed rollout keeps giving its version to
 * gateways that join later, unless an active or newer completed rollout selects them.
 */
public final class RolloutEngine {
  static final String ENGINE = "engine";
  private static final Logger LOG = LoggerFactory.getLogger(RolloutEngine.class);

  private final Clock clock;
  private final FleetView fleet;
  private final ModelCatalog catalog;
  private final DesiredStateWriter desired;
  private final RolloutStore store;
  private final AuditLog audit;
  private final Map<Long, Rollout> rollouts = new LinkedHashMap<>();

  /** Failures gateways announced in events, waiting for the next tick: gateway -> events. */
  private final Map<String, List<GatewayEvent>> failureEvents = new HashMap<>();

  public RolloutEngine(
      Clock clock,
      FleetView fleet,
      ModelCatalog catalog,
      DesiredStateWriter desired,
      RolloutStore store,
      AuditLog audit) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.fleet = Objects.requireNonNull(fleet, "fleet");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.desired = Objects.requireNonNull(desired, "desired");
    this.store = Objects.requireNonNull(store, "store");
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /** Reads every rollout back from the store (at start-up). */
  public void load() {
    rollouts.clear();
    for (Rollout rollout : store.loadAll()) {
      rollouts.put(rollout.id(), rollout);
    }
  }

  /**
   * Starts a rollout and takes its first step at once.
   *
   * @throws RolloutException 404 if the model version is not in the registry
   */
  public Rollout create(RolloutSpec spec, String actor) {
    if (catalog.desiredModel(spec.modelName(), spec.modelVersion()).isEmpty()) {
      throw new RolloutException(
          404,
          "Model " + spec.modelName() + " version " + spec.modelVersion() + " is not registered");
    }
    Instant now = clock.instant();
    long id = store.create(spec, now);
    Rollout rollout = new Rollout(id, spec, RolloutState.RUNNING, 0, null, now, now);
    rollouts.put(id, rollout);
    audit.record(
        id,
        actor,
        "created",
        "rollout of "
            + spec.modelName()
            + " "
            + spec.modelVersion()
            + " to pipeline "
            + spec.pipeline()
            + " selecting "
            + spec.selector()
            + " in waves "
            + spec.waves()
            + ", priority "
            + spec.priority());
    tick();
    return rollout;
  }

  /** Every rollout, newest first. */
  public List<Rollout> list() {
    List<Rollout> all = new ArrayList<>(rollouts.values());
    all.sort(Comparator.comparingLong(Rollout::id).reversed());
    return all;
  }

  public Optional<Rollout> get(long id) {
    return Optional.ofNullable(rollouts.get(id));
  }

  /**
   * Stops reaching further gateways; gateways already reached are still judged.
   *
   * @throws RolloutException 404 if unknown, 409 unless running
   */
  public Rollout pause(long id, String actor) {
    Rollout rollout = require(id);
    if (rollout.state() != RolloutState.RUNNING) {
      throw new RolloutException(409, "Rollout " + id + " is " + rollout.state() + ", not RUNNING");
    }
    rollout.state(RolloutState.PAUSED, "paused by " + actor, clock.instant());
    store.save(rollout);
    audit.record(id, actor, "paused", "paused in wave " + (rollout.currentWave() + 1));
    return rollout;
  }

  /**
   * Continues a paused rollout.
   *
   * @throws RolloutException 404 if unknown, 409 unless paused
   */
  public Rollout resume(long id, String actor) {
    Rollout rollout = require(id);
    if (rollout.state() != RolloutState.PAUSED) {
      throw new RolloutException(409, "Rollout " + id + " is " + rollout.state() + ", not PAUSED");
    }
    rollout.state(RolloutState.RUNNING, null, clock.instant());
    store.save(rollout);
    audit.record(id, actor, "resumed", "resumed in wave " + (rollout.currentWave() + 1));
    tick();
    return rollout;
  }

  /**
   * Stops a running or paused rollout for good, optionally sending the gateways it reached back to
   * their previous version.
   *
   * @throws RolloutException 404 if unknown, 409 unless running or paused
   */
  public Rollout abort(long id, String actor, boolean rollback) {
    Rollout rollout = require(id);
    if (!rollout.state().active()) {
      throw new RolloutException(409, "Rollout " + id + " is " + rollout.state() + ", not active");
    }
    rollout.state(RolloutState.ABORTED, "aborted by " + actor, clock.instant());
    store.save(rollout);
    audit.record(id, actor, "aborted", rollback ? "aborted; rolling back" : "aborted");
    if (rollback) {
      rollBack(rollout, actor);
    }
    return rollout;
  }

  /** Takes note of a gateway's progress event; failures are judged on the next tick. */
  public void onEvent(GatewayEvent event) {
    if (event.getKind() == GatewayEventKind.GATEWAY_EVENT_KIND_FAILED
        || event.getKind() == GatewayEventKind.GATEWAY_EVENT_KIND_ROLLED_BACK) {
      failureEvents.computeIfAbsent(event.getGatewayId(), k -> new ArrayList<>()).add(event);
    }
  }

  /** One step of every rollout: judge gateways, apply thresholds, start waves, adopt joiners. */
  public void tick() {
    Collection<FleetView.Gateway> gateways = fleet.gateways();
    List<Rollout> byRank = new ArrayList<>(rollouts.values());
    byRank.sort((a, b) -> a.outranks(b) ? -1 : b.outranks(a) ? 1 : 0);
    for (Rollout rollout : byRank) {
      if (rollout.state().active()) {
        step(rollout, gateways, byRank);
      } else if (rollout.state() == RolloutState.COMPLETED) {
        adoptJoiners(rollout, gateways, byRank);
      }
    }
    failureEvents.clear();
  }

  private void step(Rollout rollout, Collection<FleetView.Gateway> gateways, List<Rollout> byRank) {
    Instant now = clock.instant();
    RolloutSpec spec = rollout.spec();
    List<RolloutTarget> changed = new ArrayList<>();
    Map<String, FleetView.Gateway> byId = new HashMap<>();
    List<FleetView.Gateway> owned = new ArrayList<>();
    for (FleetView.Gateway gateway : gateways) {
      byId.put(gateway.id(), gateway);
      RolloutTarget existing = rollout.target(gateway.id());
      boolean lost = existing != null && existing.status() == TargetStatus.SUPERSEDED;
      if (!lost
          && spec.selects(gateway.labels())
          && driver(gateway, spec.pipeline(), byRank) == rollout) {
        owned.add(gateway);
      }
    }
    for (RolloutTarget target : rollout.targets()) {
      FleetView.Gateway gateway = byId.get(target.gatewayId());
      if (target.status() == TargetStatus.SUPERSEDED
          || target.status() == TargetStatus.ROLLED_BACK) {
        continue;
      }
      if (gateway != null && driver(gateway, spec.pipeline(), byRank) != rollout) {
        if (target.status() == TargetStatus.UPDATING) {
          Rollout other = driver(gateway, spec.pipeline(), byRank);
          target.finish(
              TargetStatus.SUPERSEDED,
              now,
              "now driven by rollout " + (other == null ? "?" : other.id()));
          changed.add(target);
        }
        continue;
      }
      if (TargetJudge.judge(
          spec, target, gateway, failureEvents.getOrDefault(target.gatewayId(), List.of()), now)) {
        changed.add(target);
        if (target.status() == TargetStatus.FAILED) {
          audit.record(
              rollout.id(), ENGINE, "gateway-failed", target.gatewayId() + ": " + target.reason());
        }
      }
    }
    int failed = (int) rollout.count(TargetStatus.FAILED);
    int reached = rollout.targets().size() - (int) rollout.count(TargetStatus.SUPERSEDED);
    String exceeded = spec.errorThreshold().exceededBy(failed, reached);
    if (exceeded != null) {
      store.saveTargets(rollout.id(), changed);
      halt(rollout, "error threshold: " + exceeded);
      return;
    }
    while (rollout.state() == RolloutState.RUNNING) {
      if (owned.isEmpty() && rollout.targets().isEmpty()) {
        break; // nothing selected yet: wait for gateways rather than complete with none
      }
      changed.addAll(reach(rollout, owned, now));
      List<RolloutTarget> wave = inWave(rollout, rollout.currentWave());
      boolean settled =
          rollout.targets().stream()
              .noneMatch(
                  t -> t.status() == TargetStatus.UPDATING && t.wave() <= rollout.currentWave());
      if (!settled) {
        break;
      }
      long succeeded = wave.stream().filter(t -> t.status() == TargetStatus.SUCCEEDED).count();
      long counted = wave.stream().filter(t -> t.status() != TargetStatus.SUPERSEDED).count();
      if (counted > 0 && succeeded < Math.ceil(counted * spec.successThreshold() - 1e-9)) {
        store.saveTargets(rollout.id(), changed);
        halt(
            rollout,
            String.format(
                java.util.Locale.ROOT,
                "wave %d: %d of %d gateways succeeded, the success threshold is %.0f%%",
                rollout.currentWave() + 1,
                succeeded,
                counted,
                spec.successThreshold() * 100));
        return;
      }
      if (rollout.currentWave() + 1 >= spec.waves().size()) {
        rollout.state(
            RolloutState.COMPLETED,
            rollout.count(TargetStatus.SUCCEEDED) + " gateway(s) on " + spec.modelVersion(),
            now);
        store.saveTargets(rollout.id(), changed);
        store.save(rollout);
        audit.record(rollout.id(), ENGINE, "completed", rollout.reason());
        LOG.atInfo().addKeyValue("rollout", rollout.id()).log("rollout completed");
        return;
      }
      audit.record(
          rollout.id(),
          ENGINE,
          "wave-completed",
          String.format(
              "wave %d: %d of %d gateways succeeded",
              rollout.currentWave() + 1, succeeded, counted));
      rollout.nextWave(now);
      store.save(rollout);
    }
    store.saveTargets(rollout.id(), changed);
  }

  /** Reaches owned gateways not reached yet until the current wave's count is met. */
  private List<RolloutTarget> reach(Rollout rollout, List<FleetView.Gateway> owned, Instant now) {
    RolloutSpec spec = rollout.spec();
    int total = owned.size();
    long reached =
        rollout.targets().stream().filter(t -> t.status() != TargetStatus.SUPERSEDED).count();
    int wanted = spec.cumulativeCount(rollout.currentWave(), total);
    List<RolloutTarget> added = new ArrayList<>();
    if (reached >= wanted) {
      return added;
    }
    // online gateways first (a canary should be able to answer), then a fixed order per rollout;
    // a gateway lost to a higher priority rollout is not taken back when that one ends
    List<FleetView.Gateway> candidates = new ArrayList<>();
    for (FleetView.Gateway gateway : owned) {
      if (rollout.target(gateway.id()) == null) {
        candidates.add(gateway);
      }
    }
    candidates.sort(
        Comparator.comparing((FleetView.Gateway g) -> !g.online())
            .thenComparingInt(g -> Objects.hash(rollout.id(), g.id()))
            .thenComparing(FleetView.Gateway::id));
    Optional<DesiredModel> model = catalog.desiredModel(spec.modelName(), spec.modelVersion());
    if (model.isEmpty()) {
      halt(rollout, "model " + spec.modelName() + " " + spec.modelVersion() + " left the registry");
      return added;
    }
    for (FleetView.Gateway gateway : candidates) {
      if (reached >= wanted) {
        break;
      }
      PipelineStatus status = TargetJudge.pipeline(gateway.reported(), spec.pipeline());
      String previous =
          status == null || status.getActiveVersion().isEmpty() ? null : status.getActiveVersion();
      PipelineStats baseline =
          status != null
                  && status.hasStats()
                  && previous != null
                  && status.getStats().getModelVersion().equals(previous)
              ? status.getStats()
              : null;
      long generation = desired.assign(gateway.id(), spec.pipeline(), model.get());
      RolloutTarget target =
          new RolloutTarget(
              gateway.id(),
              rollout.currentWave(),
              previous,
              baseline,
              generation,
              now,
              TargetStatus.UPDATING,
              null,
              null);
      rollout.add(target);
      added.add(target);
      reached++;
    }
    if (!added.isEmpty()) {
      audit.record(
          rollout.id(),
          ENGINE,
          "gateways-reached",
          String.format(
              "wave %d (%d%%): %d gateway(s) sent %s %s, %d of %d targeted gateways reached",
              rollout.currentWave() + 1,
              spec.waves().get(rollout.currentWave()),
              added.size(),
              spec.modelName(),
              spec.modelVersion(),
              reached,
              total));
    }
    return added;
  }

  private void halt(Rollout rollout, String reason) {
    rollout.state(RolloutState.HALTED, reason, clock.instant());
    store.save(rollout);
    audit.record(rollout.id(), ENGINE, "halted", reason);
    LOG.atWarn().addKeyValue("rollout", rollout.id()).log("rollout halted: {}", reason);
    if (rollout.spec().rollbackOnHalt()) {
      rollBack(rollout, ENGINE);
    }
  }

  /** Sends every gateway the rollout reached back to the version it served before. */
  private void rollBack(Rollout rollout, String actor) {
    RolloutSpec spec = rollout.spec();
    Instant now = clock.instant();
    List<RolloutTarget> changed = new ArrayList<>();
    Map<String, Integer> byVersion = new LinkedHashMap<>();
    int without = 0;
    for (RolloutTarget target : rollout.targets()) {
      if (target.status() == TargetStatus.SUPERSEDED
          || target.status() == TargetStatus.ROLLED_BACK) {
        continue;
      }
      if (target.previousVersion() == null
          || target.previousVersion().equals(spec.modelVersion())) {
        without++;
        continue;
      }
      Optional<DesiredModel> previous =
          catalog.desiredModel(spec.modelName(), target.previousVersion());
      if (previous.isEmpty()) {
        without++;
        continue;
      }
      long generation = desired.assign(target.gatewayId(), spec.pipeline(), previous.get());
      target.reassigned(generation, now);
      String why =
          target.reason() == null ? "rolled back" : "rolled back after: " + target.reason();
      target.finish(TargetStatus.ROLLED_BACK, now, why);
      changed.add(target);
      byVersion.merge(target.previousVersion(), 1, Integer::sum);
    }
    store.saveTargets(rollout.id(), changed);
    audit.record(
        rollout.id(),
        actor,
        "rolled-back",
        "gateways sent back per version "
            + byVersion
            + (without > 0
                ? "; " + without + " gateway(s) had no registered previous version and keep theirs"
                : ""));
  }

  /** A completed rollout gives its version to gateways that joined since and nobody else drives. */
  private void adoptJoiners(
      Rollout rollout, Collection<FleetView.Gateway> gateways, List<Rollout> byRank) {
    RolloutSpec spec = rollout.spec();
    Optional<DesiredModel> model = catalog.desiredModel(spec.modelName(), spec.modelVersion());
    if (model.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    List<RolloutTarget> added = new ArrayList<>();
    for (FleetView.Gateway gateway : gateways) {
      if (rollout.target(gateway.id()) != null || !spec.selects(gateway.labels())) {
        continue;
      }
      if (driver(gateway, spec.pipeline(), byRank) != null) {
        continue;
      }
      Rollout newest = newestCompleted(gateway, spec.pipeline(), byRank);
      if (newest != rollout) {
        continue;
      }
      PipelineStatus status = TargetJudge.pipeline(gateway.reported(), spec.pipeline());
      String previous =
          status == null || status.getActiveVersion().isEmpty() ? null : status.getActiveVersion();
      long generation = desired.assign(gateway.id(), spec.pipeline(), model.get());
      RolloutTarget target =
          new RolloutTarget(
              gateway.id(),
              spec.waves().size() - 1,
              previous,
              null,
              generation,
              now,
              TargetStatus.SUCCEEDED,
              now,
              "joined after completion");
      rollout.add(target);
      added.add(target);
      audit.record(
          rollout.id(),
          ENGINE,
          "gateway-joined",
          gateway.id() + " joined after completion and was sent " + spec.modelVersion());
    }
    store.saveTargets(rollout.id(), added);
  }

  /** The running or paused rollout that drives {@code pipeline} on the gateway, or null. */
  private static Rollout driver(FleetView.Gateway gateway, String pipeline, List<Rollout> byRank) {
    for (Rollout candidate : byRank) {
      if (candidate.state().active()
          && candidate.spec().pipeline().equals(pipeline)
          && candidate.spec().selects(gateway.labels())) {
        return candidate;
      }
    }
    return null;
  }

  private static Rollout newestCompleted(
      FleetView.Gateway gateway, String pipeline, List<Rollout> byRank) {
    Rollout newest = null;
    for (Rollout candidate : byRank) {
      if (candidate.state() == RolloutState.COMPLETED
          && candidate.spec().pipeline().equals(pipeline)
          && candidate.spec().selects(gateway.labels())
          && (newest == null || candidate.id() > newest.id())) {
        newest = candidate;
      }
    }
    return newest;
  }

  private static List<RolloutTarget> inWave(Rollout rollout, int wave) {
    return rollout.targets().stream().filter(t -> t.wave() == wave).toList();
  }

  private Rollout require(long id) {
    Rollout rollout = rollouts.get(id);
    if (rollout == null) {
      throw new RolloutException(404, "No rollout " + id);
    }
    return rollout;
  }
}
