package io.isthmus.console.rollout;

import static io.isthmus.console.rollout.FakeFleet.PIPELINE;
import static io.isthmus.console.rollout.FakeFleet.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.GatewayEventKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RolloutEngineTest {
  private static final Map<String, String> SITE_A = Map.of("site", "a");

  private final MutableClock clock = new MutableClock();
  private FakeFleet fleet;
  private RolloutEngine engine;

  @BeforeEach
  void setUp() {
    fleet = new FakeFleet();
    engine = new RolloutEngine(clock, fleet, fleet, fleet, fleet, fleet);
  }

  /**
   * The spec the tests start from: vibration {@code version} on every gateway, 60 s gateway
   * timeout, no health gate, the record's defaults for the rest; each test changes what it is
   * about.
   */
  private static SpecFixture spec(String version) {
    return new SpecFixture(version);
  }

  private static final class SpecFixture {
    private final String version;
    private Map<String, String> selector;
    private List<Integer> waves;
    private Double successThreshold;
    private ErrorThreshold errorThreshold;
    private Boolean rollbackOnHalt;
    private long timeoutSeconds = 60;
    private HealthGate healthGate = new HealthGate(0, null, null);
    private Integer priority;

    private SpecFixture(String version) {
      this.version = version;
    }

    SpecFixture selector(Map<String, String> selector) {
      this.selector = selector;
      return this;
    }

    SpecFixture waves(Integer... cumulativePercent) {
      this.waves = List.of(cumulativePercent);
      return this;
    }

    SpecFixture thresholds(double success, ErrorThreshold errors) {
      this.successThreshold = success;
      this.errorThreshold = errors;
      return this;
    }

    SpecFixture rollbackOnHalt(boolean rollback) {
      this.rollbackOnHalt = rollback;
      return this;
    }

    SpecFixture healthGate(HealthGate gate, long timeoutSeconds) {
      this.healthGate = gate;
      this.timeoutSeconds = timeoutSeconds;
      return this;
    }

    SpecFixture priority(int priority) {
      this.priority = priority;
      return this;
    }

    RolloutSpec build() {
      return new RolloutSpec(
          null,
          PIPELINE,
          "vibration",
          version,
          selector,
          waves,
          successThreshold,
          errorThreshold,
          rollbackOnHalt,
          timeoutSeconds,
          healthGate,
          priority);
    }
  }

  /** {@code gateways} gateways of site a on version 1, and {@code spec} started by alice. */
  private Rollout start(int gateways, RolloutSpec spec) {
    fleet.addMany(gateways, SITE_A, "1");
    return engine.create(spec, "alice");
  }

  /** The gateway of the first wave (the canary). */
  private static String canary(Rollout rollout) {
    return rollout.targets().iterator().next().gatewayId();
  }

  private static List<String> firstWave(Rollout rollout) {
    return rollout.targets().stream().map(RolloutTarget::gatewayId).toList();
  }

  /** {@code gateway} reports an event of {@code kind} about the generation it was sent. */
  private void event(Rollout rollout, String gateway, GatewayEventKind kind, String message) {
    engine.onEvent(
        GatewayEvent.newBuilder()
            .setGatewayId(gateway)
            .setGeneration(rollout.target(gateway).generation())
            .setPipeline(PIPELINE)
            .setKind(kind)
            .setMessage(message)
            .build());
  }

  @Test
  void wavesReachOnePercentThenTenThenFiftyThenAll() {
    // GIVEN 200 gateways on version 1
    fleet.addMany(200, SITE_A, "1");
    // WHEN a rollout of version 2 starts
    Rollout rollout = engine.create(spec("2").build(), "alice");
    // THEN only the canary (1% of 200 = 2) is reached, and waves follow as gateways confirm
    assertThat(fleet.reachedWith("2")).isEqualTo(2);
    fleet.confirmAll(null);
    engine.tick();
    assertThat(fleet.reachedWith("2")).isEqualTo(20);
    assertThat(rollout.currentWave()).isEqualTo(1);
    fleet.confirmAll(null);
    engine.tick();
    assertThat(fleet.reachedWith("2")).isEqualTo(100);
    fleet.confirmAll(null);
    engine.tick();
    assertThat(fleet.reachedWith("2")).isEqualTo(200);
    fleet.confirmAll(null);
    engine.tick();
    assertThat(rollout.state()).isEqualTo(RolloutState.COMPLETED);
    assertThat(rollout.count(TargetStatus.SUCCEEDED)).isEqualTo(200);
    assertThat(fleet.audited("completed", "200 gateway(s) on 2")).isTrue();
  }

  @Test
  void everyWaveReachesAtLeastOneGateway() {
    RolloutSpec spec = spec("2").build();
    assertThat(List.of(0, 1, 2, 3).stream().map(w -> spec.cumulativeCount(w, 20)))
        .containsExactly(1, 2, 10, 20);
    assertThat(List.of(0, 1, 2, 3).stream().map(w -> spec.cumulativeCount(w, 3)))
        .containsExactly(1, 2, 3, 3);
    assertThat(spec.cumulativeCount(3, 0)).isZero();
  }

  @Test
  void failingCanaryHaltsAndRollsBack() {
    Rollout rollout = start(20, spec("2").build());
    String canary = canary(rollout);
    // WHEN the canary refuses the version
    fleet.refuse(
        canary,
        "hash_mismatch: model.onnx of vibration 2 has sha256 ab..., the manifest says cd...");
    engine.tick();
    // THEN the rollout halts on the error threshold, nobody else was reached, the canary goes back
    assertThat(rollout.state()).isEqualTo(RolloutState.HALTED);
    assertThat(rollout.reason()).contains("error threshold").contains("1 of 1 gateways failed");
    assertThat(fleet.assignments).containsExactly(canary + "=2", canary + "=1");
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.ROLLED_BACK);
    assertThat(rollout.target(canary).reason()).contains("hash_mismatch");
    assertThat(fleet.audited("gateway-failed", "hash_mismatch")).isTrue();
    assertThat(fleet.audited("halted", "error threshold")).isTrue();
    assertThat(fleet.audited("rolled-back", "{1=1}")).isTrue();
    // and later ticks change nothing
    engine.tick();
    assertThat(fleet.assignments).hasSize(2);
  }

  @Test
  void haltWithoutRollbackLeavesGatewaysAlone() {
    Rollout rollout = start(5, spec("2").rollbackOnHalt(false).build());
    String canary = canary(rollout);
    fleet.refuse(canary, "bad_signature: vibration 2 does not verify");
    engine.tick();
    assertThat(rollout.state()).isEqualTo(RolloutState.HALTED);
    assertThat(fleet.assignments).containsExactly(canary + "=2");
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.FAILED);
  }

  @Test
  void stuckGatewayTimesOutAndCountsAsFailed() {
    Rollout rollout = start(3, spec("2").build());
    String canary = canary(rollout);
    // the gateway never answers: 59 s is not yet a timeout, 60 s is
    clock.advance(Duration.ofSeconds(59));
    engine.tick();
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.UPDATING);
    assertThat(rollout.state()).isEqualTo(RolloutState.RUNNING);
    clock.advance(Duration.ofSeconds(1));
    engine.tick();
    assertThat(rollout.target(canary).status()).isIn(TargetStatus.FAILED, TargetStatus.ROLLED_BACK);
    assertThat(rollout.target(canary).reason()).contains("timeout").contains("stuck");
    assertThat(rollout.state()).isEqualTo(RolloutState.HALTED);
  }

  @Test
  void offlineGatewayIsPassedOverForTheCanaryAndNamedOfflineWhenItTimesOut() {
    fleet.addMany(3, SITE_A, "1");
    fleet.offline("gw-000");
    fleet.offline("gw-001");
    Rollout rollout = engine.create(spec("2").build(), "alice");
    assertThat(rollout.targets()).extracting(RolloutTarget::gatewayId).containsExactly("gw-002");
    fleet.confirmAll(null);
    engine.tick(); // wave 2 reaches an offline one
    clock.advance(Duration.ofSeconds(61));
    engine.tick();
    assertThat(rollout.targets())
        .filteredOn(t -> !t.gatewayId().equals("gw-002"))
        .isNotEmpty()
        .allMatch(t -> t.reason().contains("timeout") && t.reason().contains("(offline)"));
  }

  @Test
  void healthGateWaitsForRunsThenComparesErrorRateWithThePreviousVersion() {
    fleet.addMany(10, SITE_A, "1");
    for (String id : fleet.gateways.keySet()) {
      fleet.confirm(id, "1", stats(1000, 10, 2000).toBuilder().setModelVersion("1").build());
    }
    RolloutSpec gated =
        spec("2").rollbackOnHalt(true).healthGate(new HealthGate(50, 0.02, 1.5), 600).build();
    Rollout rollout = engine.create(gated, "alice");
    String canary = canary(rollout);
    assertThat(rollout.target(canary).baseline().getErrors()).isEqualTo(10);
    // 20 runs are not enough to judge
    fleet.confirm(canary, "2", stats(20, 20, 2000).toBuilder().setModelVersion("2").build());
    engine.tick();
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.UPDATING);
    // 100 runs with 10% errors against 1% before: fails the gate
    fleet.confirm(canary, "2", stats(100, 10, 2000).toBuilder().setModelVersion("2").build());
    engine.tick();
    assertThat(rollout.state()).isEqualTo(RolloutState.HALTED);
    assertThat(rollout.target(canary).reason())
        .contains("health gate: error rate 10.0% over 100 runs vs 1.0% before");
  }

  @Test
  void healthGateComparesP95() {
    HealthGate gate = new HealthGate(10, 0.02, 1.5);
    var before = stats(500, 0, 2000);
    assertThat(gate.judge(before, stats(100, 0, 2900)).verdict())
        .isEqualTo(HealthGate.Verdict.PASS);
    HealthGate.Result slow = gate.judge(before, stats(100, 0, 3100));
    assertThat(slow.verdict()).isEqualTo(HealthGate.Verdict.FAIL);
    assertThat(slow.reason())
        .isEqualTo("health gate: p95 3100 us vs 2000 us before (tolerance x1.50)");
    // without a baseline only the error rate counts
    assertThat(gate.judge(null, stats(100, 1, 99_000)).verdict())
        .isEqualTo(HealthGate.Verdict.PASS);
    assertThat(gate.judge(null, stats(100, 5, 1000)).verdict()).isEqualTo(HealthGate.Verdict.FAIL);
  }

  @Test
  void errorThresholdByCountToleratesSomeFailures() {
    Rollout rollout =
        start(
            10,
            spec("2")
                .waves(50, 100)
                .thresholds(0.5, new ErrorThreshold(2, -1.0))
                .rollbackOnHalt(true)
                .build());
    assertThat(fleet.reachedWith("2")).isEqualTo(5);
    List<String> firstWave = firstWave(rollout);
    fleet.refuse(firstWave.get(0), "load_failed: vibration 2 does not load");
    fleet.refuse(firstWave.get(1), "load_failed: vibration 2 does not load");
    for (String id : firstWave.subList(2, 5)) {
      fleet.confirm(id, "2", null);
    }
    engine.tick();
    // two failures are tolerated and 3 of 5 meets the 50% success threshold: wave 2 starts
    assertThat(rollout.state()).isEqualTo(RolloutState.RUNNING);
    assertThat(rollout.currentWave()).isEqualTo(1);
    String third =
        rollout.targets().stream().filter(t -> t.wave() == 1).findFirst().orElseThrow().gatewayId();
    fleet.refuse(third, "load_failed: vibration 2 does not load");
    engine.tick();
    assertThat(rollout.state()).isEqualTo(RolloutState.HALTED);
    assertThat(rollout.reason())
        .isEqualTo("error threshold: 3 gateway(s) failed, more than the 2 allowed");
  }

  @Test
  void waveBelowTheSuccessThresholdHalts() {
    Rollout rollout =
        start(
            4,
            spec("2")
                .waves(50, 100)
                .thresholds(1.0, new ErrorThreshold(-1, -1.0))
                .rollbackOnHalt(false)
                .build());
    List<String> firstWave = firstWave(rollout);
    fleet.confirm(firstWave.get(0), "2", null);
    fleet.refuse(firstWave.get(1), "platform_mismatch: vibration 2 is built for [linux-aarch64]");
    engine.tick();
    assertThat(rollout.state()).isEqualTo(RolloutState.HALTED);
    assertThat(rollout.reason())
        .isEqualTo("wave 1: 1 of 2 gateways succeeded, the success threshold is 100%");
  }

  @Test
  void failureEventFailsTheGateway() {
    Rollout rollout = start(3, spec("2").build());
    String canary = canary(rollout);
    event(
        rollout,
        canary,
        GatewayEventKind.GATEWAY_EVENT_KIND_ROLLED_BACK,
        "error_rate: 40% of 50 runs failed");
    engine.tick();
    assertThat(rollout.state()).isEqualTo(RolloutState.HALTED);
    assertThat(rollout.target(canary).reason())
        .contains("gateway reported ROLLED_BACK: error_rate");
  }

  @Test
  void transientDownloadFailuresAreRetriedNotCounted() {
    Rollout rollout = start(3, spec("2").build());
    String canary = canary(rollout);
    event(
        rollout,
        canary,
        GatewayEventKind.GATEWAY_EVENT_KIND_FAILED,
        "download_failed: http://console/artifacts/x could not be fetched in 5 attempts");
    fleet.refuse(canary, "download_failed: fetching vibration 2 failed");
    engine.tick();
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.UPDATING);
    fleet.confirm(canary, "2", null);
    engine.tick();
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.SUCCEEDED);
  }

  @Test
  void gatewayThatRollsBackAfterSucceedingFails() {
    Rollout rollout = start(100, spec("2").build());
    fleet.confirmAll(null);
    engine.tick();
    String canary = canary(rollout);
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.SUCCEEDED);
    fleet.confirm(canary, "1", null); // its own watch window rolled it back
    engine.tick();
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.FAILED);
    assertThat(rollout.target(canary).reason()).contains("gateway went back to 1");
    assertThat(rollout.state()).isEqualTo(RolloutState.RUNNING); // 1 of 10 is within the 10%
  }

  @Test
  void pauseStopsReachingMoreGatewaysUntilResumed() {
    Rollout rollout = start(100, spec("2").build());
    engine.pause(rollout.id(), "bob");
    fleet.confirmAll(null);
    engine.tick();
    assertThat(fleet.reachedWith("2")).isEqualTo(1);
    assertThat(rollout.count(TargetStatus.SUCCEEDED)).isEqualTo(1);
    assertThatThrownBy(() -> engine.pause(rollout.id(), "bob"))
        .isInstanceOf(RolloutException.class)
        .hasMessageContaining("PAUSED, not RUNNING");
    engine.resume(rollout.id(), "bob");
    assertThat(fleet.reachedWith("2")).isEqualTo(10);
    assertThat(fleet.audited("paused", "wave 1")).isTrue();
    assertThat(fleet.audit).anyMatch(a -> a[0].equals("bob") && a[1].equals("resumed"));
  }

  @Test
  void abortWithRollbackSendsReachedGatewaysBack() {
    Rollout rollout = start(100, spec("2").build());
    fleet.confirmAll(null);
    engine.tick();
    engine.abort(rollout.id(), "bob", true);
    assertThat(rollout.state()).isEqualTo(RolloutState.ABORTED);
    assertThat(fleet.reachedWith("2")).isZero();
    assertThat(fleet.reachedWith("1")).isEqualTo(10);
    fleet.confirmAll(null);
    engine.tick();
    assertThat(fleet.reachedWith("2")).isZero();
  }

  @Test
  void higherPriorityRolloutDrivesOverlappingGateways() {
    fleet.addMany(10, SITE_A, "1");
    fleet.add("gw-b", Map.of("site", "b"), "1");
    RolloutSpec everywhere = spec("2").waves(100).priority(0).build();
    Rollout low = engine.create(everywhere, "alice");
    assertThat(fleet.reachedWith("2")).isEqualTo(11);
    RolloutSpec siteA = spec("3").selector(SITE_A).waves(100).priority(5).build();
    Rollout high = engine.create(siteA, "alice");
    assertThat(fleet.reachedWith("3")).isEqualTo(10);
    assertThat(low.count(TargetStatus.SUPERSEDED)).isEqualTo(10);
    // a lower priority rollout created while the higher one runs reaches none of its gateways
    RolloutSpec lowLater = spec("1").selector(SITE_A).waves(100).priority(-1).build();
    Rollout later = engine.create(lowLater, "alice");
    assertThat(later.targets()).isEmpty();
    fleet.confirmAll(null);
    engine.tick();
    assertThat(high.state()).isEqualTo(RolloutState.COMPLETED);
    assertThat(low.state()).isEqualTo(RolloutState.COMPLETED);
    assertThat(fleet.desired).containsEntry("gw-b", "2");
    // once the higher one is done, the waiting one takes its gateways; the superseded one does not
    assertThat(later.targets()).hasSize(10);
    assertThat(fleet.desired).containsEntry("gw-001", "1");
    assertThat(low.target("gw-001").status()).isEqualTo(TargetStatus.SUPERSEDED);
  }

  @Test
  void gatewaysThatJoinLaterAreIncluded() {
    Rollout rollout = start(10, spec("2").selector(SITE_A).build());
    fleet.add("gw-new", SITE_A, "1");
    fleet.add("gw-other", Map.of("site", "b"), "1");
    for (int i = 0; i < 6; i++) {
      fleet.confirmAll(null);
      engine.tick();
    }
    assertThat(rollout.state()).isEqualTo(RolloutState.COMPLETED);
    assertThat(rollout.target("gw-new").status()).isEqualTo(TargetStatus.SUCCEEDED);
    assertThat(fleet.desired).doesNotContainKey("gw-other");
    // after completion a joiner still gets the version
    fleet.add("gw-after", SITE_A, "1");
    engine.tick();
    assertThat(fleet.desired).containsEntry("gw-after", "2");
    assertThat(fleet.audited("gateway-joined", "gw-after")).isTrue();
  }

  @Test
  void rolloutWithNoGatewaysWaitsForThem() {
    Rollout rollout = engine.create(spec("2").selector(SITE_A).build(), "alice");
    engine.tick();
    assertThat(rollout.state()).isEqualTo(RolloutState.RUNNING);
    fleet.add("gw-1", SITE_A, "1");
    engine.tick();
    assertThat(fleet.desired).containsEntry("gw-1", "2");
  }

  @Test
  void unknownVersionAndBadSpecAreRefused() {
    assertThatThrownBy(() -> engine.create(spec("9").build(), "alice"))
        .isInstanceOf(RolloutException.class)
        .hasMessage("Model vibration version 9 is not registered");
    assertThatThrownBy(() -> spec("2").waves(10, 5, 100).build()).hasMessageContaining("ascending");
    assertThatThrownBy(() -> spec("2").waves(10, 50).build())
        .hasMessageContaining("last wave must be 100");
    assertThatThrownBy(() -> engine.pause(42, "bob")).hasMessage("No rollout 42");
  }
}
