package io.isthmus.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.protocol.manifest.SigningKey;
import io.isthmus.protocol.manifest.TrustedKeys;
import io.isthmus.protocol.v1.PipelineStats;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FleetPlanTest {
  private static FleetOptions.Builder options(int count) {
    return FleetOptions.builder()
        .count(count)
        .trusted(TrustedKeys.of(List.of(SigningKey.generate().publicKey())));
  }

  @Test
  void labelSpreadsGiveExactProportions() {
    LabelSpread ring = LabelSpread.parse("ring=canary:1,early:2,stable:7");
    assertThat(ring.key()).isEqualTo("ring");
    assertThat(ring.values()).containsExactly("canary", "early", "stable");
    assertThat(ring.counts(1000)).containsExactly(100, 200, 700);
    assertThat(ring.counts(7)).containsExactly(1, 1, 5);
    assertThat(LabelSpread.parse("hw=pi4,jetson").counts(5)).containsExactly(3, 2);

    List<GatewayProfile> fleet =
        FleetPlan.draw(options(1000).labels(Map.of("site", "a")).spread(ring).build());
    Map<String, Long> counts =
        fleet.stream()
            .collect(Collectors.groupingBy(p -> p.labels().get("ring"), Collectors.counting()));
    assertThat(counts).isEqualTo(Map.of("canary", 100L, "early", 200L, "stable", 700L));
    assertThat(fleet).allMatch(p -> p.labels().get("site").equals("a"));
    assertThat(fleet.get(0).id()).isEqualTo("simgw-000");
    assertThat(fleet.get(999).id()).isEqualTo("simgw-999");
  }

  @Test
  void badLabelSpreadsAreRefusedWithTheText() {
    assertThatThrownBy(() -> LabelSpread.parse("ring"))
        .hasMessageContaining("'ring' is not KEY=VALUE[:WEIGHT]");
    assertThatThrownBy(() -> LabelSpread.parse("ring=a:x")).hasMessageContaining("has weight 'x'");
    assertThatThrownBy(() -> LabelSpread.parse("ring=a:0"))
        .hasMessageContaining("weight 0.0, expected a positive number");
  }

  @Test
  void faultyGatewaysAreDrawnAmongTheSelectedOnesOnly() {
    FaultPlan plan = new FaultPlan("2.*", FaultMode.ERRORS, 0.3, Map.of("hw", "pi4"), 0.2, 4);
    List<GatewayProfile> fleet =
        FleetPlan.draw(
            options(200)
                .spread(LabelSpread.parse("hw=pi4:1,jetson:1"))
                .fault(plan)
                .stuckFraction(0.05)
                .offline(0.02, java.time.Duration.ZERO)
                .seed(3)
                .build());
    List<GatewayProfile> faulty = fleet.stream().filter(GatewayProfile::faulty).toList();
    assertThat(faulty).hasSize(30).allMatch(p -> p.labels().get("hw").equals("pi4"));
    assertThat(fleet.stream().filter(GatewayProfile::stuck)).hasSize(10);
    assertThat(fleet.stream().filter(GatewayProfile::silent)).hasSize(4);
    // the same seed draws the same fleet
    assertThat(
            FleetPlan.draw(
                    options(200)
                        .spread(LabelSpread.parse("hw=pi4:1,jetson:1"))
                        .fault(plan)
                        .seed(3)
                        .build())
                .stream()
                .filter(GatewayProfile::faulty)
                .map(GatewayProfile::id)
                .toList())
        .isEqualTo(faulty.stream().map(GatewayProfile::id).toList());
  }

  @Test
  void versionGlobsMatchWholeVersions() {
    FaultPlan plan = new FaultPlan("2.*", FaultMode.LOAD, 1, Map.of(), 0.2, 4);
    assertThat(plan.matches("2.0.0")).isTrue();
    assertThat(plan.matches("2.")).isTrue();
    assertThat(plan.matches("12.0.0")).isFalse();
    assertThat(plan.matches("3.0.0")).isFalse();
    FaultPlan exact = new FaultPlan("2.0.0", FaultMode.LOAD, 1, Map.of(), 0.2, 4);
    assertThat(exact.matches("2.0.0")).isTrue();
    assertThat(exact.matches("2x0x0")).isFalse(); // dots are literal
    assertThat(new FaultPlan("*", FaultMode.LOAD, 1, Map.of(), 0.2, 4).matches("any")).isTrue();
    assertThatThrownBy(() -> new FaultPlan("2.*", FaultMode.LOAD, 1.5, Map.of(), 0.2, 4))
        .hasMessage("fail fraction is 1.5, expected 0 to 1");
  }

  @Test
  void latencyScatterKeepsEachGatewaysP50BelowItsP95() {
    HealthFigures health = new HealthFigures(10, 0.01, 8, 14, 0.3);
    List<GatewayProfile> fleet = FleetPlan.draw(options(500).health(health).build());
    assertThat(fleet).allMatch(p -> p.p50Ms() < p.p95Ms());
    assertThat(fleet).allMatch(p -> Math.abs(p.p95Ms() / p.p50Ms() - 14.0 / 8) < 1e-9);
    double meanLog =
        fleet.stream().mapToDouble(p -> Math.log(p.p50Ms() / 8)).average().orElseThrow();
    assertThat(meanLog).isBetween(-0.05, 0.05);
    assertThat(fleet.stream().mapToDouble(GatewayProfile::p50Ms).distinct().count()).isEqualTo(500);
  }

  @Test
  void runFiguresAccumulateAtTheConfiguredRate() {
    ActiveVersion v = new ActiveVersion("k", "2.0.0", 1_000_000, 0.25, 8_000, 14_000);
    PipelineStats at = v.stats(1_000_000 + 3_500_000, 100);
    assertThat(at.getRuns()).isEqualTo(350);
    assertThat(at.getErrors()).isEqualTo(88); // round(87.5)
    assertThat(at.getP95Us()).isEqualTo(14_000);
    assertThat(at.getSinceUs()).isEqualTo(1_000_000);
    assertThat(at.getModelVersion()).isEqualTo("2.0.0");
    assertThat(v.stats(0, 100).getRuns()).isZero();
  }

  @Test
  void badOptionsNameTheValue() {
    assertThatThrownBy(() -> options(0).build()).hasMessage("count is 0, expected at least 1");
    assertThatThrownBy(() -> options(1).brokerUri("ssl://h:1").build())
        .hasMessage("broker is ssl://h:1, expected tcp://HOST[:PORT]");
    assertThatThrownBy(() -> options(1).idPrefix("a/b").build())
        .hasMessage("id prefix is 'a/b', expected no '/', '+' or '#'");
    assertThatThrownBy(() -> new HealthFigures(10, 0.01, 20, 14, 0))
        .hasMessageContaining("expected 0 < p50 <= p95");
  }
}
