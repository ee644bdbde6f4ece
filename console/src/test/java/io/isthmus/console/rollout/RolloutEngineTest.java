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

  private static RolloutSpec spec(String version, Map<String, String> selector) {
    return new RolloutSpec(
        null,
        PIPELINE,
        "vibration",
        version,
        selector,
        null,
        null,
        null,
        null,
        60L,
        new HealthGate(0, null, null),
        null);
  }

  @Test
  void wavesReachOnePercentThenTenThenFiftyThenAll() {
    // GIVEN 200 gateways on version 1
    fleet.addMany(200, SITE_A, "1");
    // WHEN a rollout of version 2 starts
    Rollout rollout = engine.create(spec("2", Map.of()), "alice");
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
    RolloutSpec spec = spec("2", Map.of());
    assertThat(List.of(0, 1, 2, 3).stream().map(w -> spec.cumulativeCount(w, 20)))
        .containsExactly(1, 2, 10, 20);
    assertThat(List.of(0, 1, 2, 3).stream().map(w -> spec.cumulativeCount(w, 3)))
        .containsExactly(1, 2, 3, 3);
    assertThat(spec.cumulativeCount(3, 0)).isZero();
  }

  @Test
  void failingCanaryHaltsAndRollsBack() {
    fleet.addMany(20, SITE_A, "1");
    Rollout rollout = engine.create(spec("2", Map.of()), "alice");
    String canary = rollout.targets().iterator().next().gatewayId();
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
    fleet.addMany(5, SITE_A, "1");
    RolloutSpec noRollback =
        new RolloutSpec(
            null,
            PIPELINE,
            "vibration",
            "2",
            null,
            null,
            null,
            null,
            false,
            60L,
            new HealthGate(0, null, null),
            null);
    Rollout rollout = engine.create(noRollback, "alice");
    String canary = rollout.targets().iterator().next().gatewayId();
    fleet.refuse(canary, "bad_signature: vibration 2 does not verify");
    engine.tick();
    assertThat(rollout.state()).isEqualTo(RolloutState.HALTED);
    assertThat(fleet.assignments).containsExactly(canary + "=2");
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.FAILED);
  }

  @Test
  void stuckGatewayTimesOutAndCountsAsFailed() {
    fleet.addMany(3, SITE_A, "1");
    Rollout rollout = engine.create(spec("2", Map.of()), "alice");
    String canary = rollout.targets().iterator().next().gatewayId();
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
    Rollout rollout = engine.create(spec("2", Map.of()), "alice");
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
        new RolloutSpec(
            null,
            PIPELINE,
            "vibration",
            "2",
            null,
            null,
            null,
            null,
            true,
            600L,
            new HealthGate(50, 0.02, 1.5),
            null);
    Rollout rollout = engine.create(gated, "alice");
    String canary = rollout.targets().iterator().next().gatewayId();
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
    fleet.addMany(10, SITE_A, "1");
    RolloutSpec tolerant =
        new RolloutSpec(
            null,
            PIPELINE,
            "vibration",
            "2",
            null,
            List.of(50, 100),
            0.5,
            new ErrorThreshold(2, -1.0),
            true,
            60L,
            new HealthGate(0, null, null),
            null);
    Rollout rollout = engine.create(tolerant, "alice");
    assertThat(fleet.reachedWith("2")).isEqualTo(5);
    List<String> firstWave = rollout.targets().stream().map(RolloutTarget::gatewayId).toList();
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
    fleet.addMany(4, SITE_A, "1");
    RolloutSpec strict =
        new RolloutSpec(
            null,
            PIPELINE,
            "vibration",
            "2",
            null,
            List.of(50, 100),
            1.0,
            new ErrorThreshold(-1, -1.0),
            false,
            60L,
            new HealthGate(0, null, null),
            null);
    Rollout rollout = engine.create(strict, "alice");
    List<String> firstWave = rollout.targets().stream().map(RolloutTarget::gatewayId).toList();
    fleet.confirm(firstWave.get(0), "2", null);
    fleet.refuse(firstWave.get(1), "platform_mismatch: vibration 2 is built for [linux-aarch64]");
    engine.tick();
    assertThat(rollout.state()).isEqualTo(RolloutState.HALTED);
    assertThat(rollout.reason())
        .isEqualTo("wave 1: 1 of 2 gateways succeeded, the success threshold is 100%");
  }

  @Test
  void failureEventFailsTheGateway() {
    fleet.addMany(3, SITE_A, "1");
    Rollout rollout = engine.create(spec("2", Map.of()), "alice");
    String canary = rollout.targets().iterator().next().gatewayId();
    engine.onEvent(
        GatewayEvent.newBuilder()
            .setGatewayId(canary)
            .setGeneration(rollout.target(canary).generation())
            .setPipeline(PIPELINE)
            .setKind(GatewayEventKind.GATEWAY_EVENT_KIND_ROLLED_BACK)
            .setMessage("error_rate: 40% of 50 runs failed")
            .build());
    engine.tick();
    assertThat(rollout.state()).isEqualTo(RolloutState.HALTED);
    assertThat(rollout.target(canary).reason())
        .contains("gateway reported ROLLED_BACK: error_rate");
  }

  @Test
  void transientDownloadFailuresAreRetriedNotCounted() {
    fleet.addMany(3, SITE_A, "1");
    Rollout rollout = engine.create(spec("2", Map.of()), "alice");
    String canary = rollout.targets().iterator().next().gatewayId();
    engine.onEvent(
        GatewayEvent.newBuilder()
            .setGatewayId(canary)
            .setGeneration(rollout.target(canary).generation())
            .setPipeline(PIPELINE)
            .setKind(GatewayEventKind.GATEWAY_EVENT_KIND_FAILED)
            .setMessage(
                "download_failed: http://console/artifacts/x could not be fetched in 5 attempts")
            .build());
    fleet.refuse(canary, "download_failed: fetching vibration 2 failed");
    engine.tick();
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.UPDATING);
    fleet.confirm(canary, "2", null);
    engine.tick();
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.SUCCEEDED);
  }

  @Test
  void gatewayThatRollsBackAfterSucceedingFails() {
    fleet.addMany(100, SITE_A, "1");
    Rollout rollout = engine.create(spec("2", Map.of()), "alice");
    fleet.confirmAll(null);
    engine.tick();
    String canary = rollout.targets().iterator().next().gatewayId();
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.SUCCEEDED);
    fleet.confirm(canary, "1", null); // its own watch window rolled it back
    engine.tick();
    assertThat(rollout.target(canary).status()).isEqualTo(TargetStatus.FAILED);
    assertThat(rollout.target(canary).reason()).contains("gateway went back to 1");
    assertThat(rollout.state()).isEqualTo(RolloutState.RUNNING); // 1 of 10 is within the 10%
  }

  @Test
  void pauseStopsReachingMoreGatewaysUntilResumed() {
    fleet.addMany(100, SITE_A, "1");
    Rollout rollout = engine.create(spec("2", Map.of()), "alice");
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
    fleet.addMany(100, SITE_A, "1");
    Rollout rollout = engine.create(spec("2", Map.of()), "alice");
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
    RolloutSpec everywhere =
        new RolloutSpec(
            null,
            PIPELINE,
            "vibration",
            "2",
            null,
            List.of(100),
            null,
            null,
            null,
            60L,
            new HealthGate(0, null, null),
            0);
    Rollout low = engine.create(everywhere, "alice");
    assertThat(fleet.reachedWith("2")).isEqualTo(11);
    RolloutSpec siteA =
        new RolloutSpec(
            null,
            PIPELINE,
            "vibration",
            "3",
            SITE_A,
            List.of(100),
            null,
            null,
            null,
            60L,
            new HealthGate(0, null, null),
            5);
    Rollout high = engine.create(siteA, "alice");
    assertThat(fleet.reachedWith("3")).isEqualTo(10);
    assertThat(low.count(TargetStatus.SUPERSEDED)).isEqualTo(10);
    // a lower priority rollout created while the higher one runs reaches none of its gateways
    RolloutSpec lowLater =
        new RolloutSpec(
            null,
            PIPELINE,
            "vibration",
            "1",
            SITE_A,
            List.of(100),
            null,
            null,
            null,
            60L,
            new HealthGate(0, null, null),
            -1);
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
    fleet.addMany(10, SITE_A, "1");
    Rollout rollout = engine.create(spec("2", SITE_A), "alice");
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
    Rollout rollout = engine.create(spec("2", SITE_A), "alice");
    engine.tick();
    assertThat(rollout.state()).isEqualTo(RolloutState.RUNNING);
    fleet.add("gw-1", SITE_A, "1");
    engine.tick();
    assertThat(fleet.desired).containsEntry("gw-1", "2");
  }

  @Test
  void unknownVersionAndBadSpecAreRefused() {
    assertThatThrownBy(() -> engine.create(spec("9", Map.of()), "alice"))
        .isInstanceOf(RolloutException.class)
        .hasMessage("Model vibration version 9 is not registered");
    assertThatThrownBy(
            () ->
                new RolloutSpec(
                    null,
                    PIPELINE,
                    "m",
                    "2",
                    null,
                    List.of(10, 5, 100),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null))
        .hasMessageContaining("ascending");
    assertThatThrownBy(
            () ->
                new RolloutSpec(
                    null,
                    PIPELINE,
                    "m",
                    "2",
                    null,
                    List.of(10, 50),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null))
        .hasMessageContaining("last wave must be 100");
    assertThatThrownBy(() -> engine.pause(42, "bob")).hasMessage("No rollout 42");
  }
}
