package io.isthmus.offload.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.offload.scaling.PolicyKind;
import io.isthmus.offload.scaling.ScalingParameters;
import org.junit.jupiter.api.Test;

/** The policies replayed on one trace in one run, compared with each other. */
class PolicyComparisonTest {
  private final PlatformModel platform = PlatformModel.defaults();
  private final ScalingParameters parameters = ScalingParameters.defaults();
  private final Simulator simulator = new Simulator(platform, Pricing.awsLambdaX86());

  @Test
  void predictivePreWarmsAheadOfPeriodicBurstsAndHasFewerColdStartsThanReactive() {
    // GIVEN 2 requests/s with a 20 s burst of 40/s every 2 minutes, for an hour
    ArrivalTrace trace = new TraceGenerator(11).periodic(2, 40, 120, 20, 3600);

    // WHEN
    SimulationResult reactive = simulator.run(trace, PolicyKind.REACTIVE.create(parameters), 5);
    SimulationResult predictive = simulator.run(trace, PolicyKind.PREDICTIVE.create(parameters), 5);

    // THEN pre-warmed instances take the burst onsets that reactive scaling meets cold
    assertThat(predictive.served()).isEqualTo(reactive.served()).isEqualTo(trace.size());
    assertThat(predictive.coldStarts()).isLessThan(reactive.coldStarts() / 2);
    assertThat(predictive.latencyPercentile(0.95)).isLessThan(reactive.latencyPercentile(0.95));
    // AND in the second half hour, the window before each burst (bursts start at 100 s, 220 s, ...)
    // ends
    // with more than the baseline provisioned
    long preWarmed =
        predictive.timeline().stream()
            .filter(p -> p.timeSeconds() > 1800 && (p.timeSeconds() + 20) % 120 == 0)
            .filter(p -> p.provisionedConcurrency() > parameters.warmBaseline())
            .count();
    assertThat(preWarmed).isEqualTo(15);
  }

  @Test
  void reactiveProvisionsNothingAndTheOthersKeepTheBaseline() {
    ArrivalTrace trace = new TraceGenerator(3).bursty(2, 40, 20, 100, 1800);

    SimulationResult reactive = simulator.run(trace, PolicyKind.REACTIVE.create(parameters), 1);
    SimulationResult adaptive = simulator.run(trace, PolicyKind.ADAPTIVE.create(parameters), 1);

    assertThat(reactive.timeline()).allMatch(p -> p.provisionedConcurrency() == 0);
    assertThat(reactive.cost().provisioned()).isZero();
    assertThat(adaptive.timeline().subList(0, adaptive.timeline().size() - 1))
        .allMatch(p -> p.provisionedConcurrency() >= parameters.warmBaseline());
    assertThat(adaptive.timeline()).anyMatch(p -> p.provisionedConcurrency() > 1);
    assertThat(adaptive.cost().provisioned()).isPositive();
  }
}
