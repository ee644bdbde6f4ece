package io.isthmus.offload.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isthmus.offload.scaling.ScalingParameters;
import io.isthmus.offload.scaling.ScalingPolicy;
import io.isthmus.offload.scaling.WindowMetrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorTest {
  private static final Pricing PRICES = Pricing.awsLambdaX86();

  /** One instance at most, 1 s cold start, 0.4 s per request, 2 s keep-alive, 1 GB. */
  private static PlatformModel oneInstance(int concurrency) {
    return new PlatformModel(1.0, concurrency, 2.0, ServiceTime.fixed(0.4), 1.0, 1, 10);
  }

  /** A policy that holds a fixed provisioned concurrency and records what it saw. */
  private static final class Fixed implements ScalingPolicy {
    final int concurrency;
    final List<WindowMetrics> seen = new ArrayList<>();

    Fixed(int concurrency) {
      this.concurrency = concurrency;
    }

    @Override
    public String name() {
      return "fixed";
    }

    @Override
    public int initialConcurrency() {
      return concurrency;
    }

    @Override
    public int decide(WindowMetrics window) {
      seen.add(window);
      return concurrency;
    }
  }

  @Test
  void threeRequestsOnOneInstanceHaveTheHandComputedLatencies() {
    // GIVEN arrivals at 0 s and 0.5 s (the second queues behind the first's cold start), and at 5
    // s,
    // after the keep-alive (idle from 1.8 s, expired at 3.8 s) has scaled the instance to zero
    ArrivalTrace trace = ArrivalTrace.of(10, 0.0, 0.5, 5.0);

    // WHEN
    SimulationResult result = new Simulator(oneInstance(1), PRICES).run(trace, new Fixed(0), 1);

    // THEN r0: ready 1.0, done 1.4; r1: starts when r0 frees the slot, done 1.8; r2: second cold
    // start
    assertThat(result.latenciesSeconds())
        .containsExactly(new double[] {1.4, 1.3, 1.4}, within(1e-9));
    assertThat(result.coldStarts()).isEqualTo(2);
    assertThat(result.instanceStarts()).isEqualTo(2);
    assertThat(result.served()).isEqualTo(3);
  }

  @Test
  void aRequestWithinTheKeepAliveFindsTheInstanceWarm() {
    // idle from 1.4 s, so warm until 3.4 s: an arrival at 3.3 s runs at once
    ArrivalTrace trace = ArrivalTrace.of(10, 0.0, 3.3, 5.5);

    SimulationResult result = new Simulator(oneInstance(1), PRICES).run(trace, new Fixed(0), 1);

    // r1 warm (0.4 s); idle again from 3.7 s, expired at 5.7 s would be after r2 at 5.5 s: warm too
    assertThat(result.latenciesSeconds())
        .containsExactly(new double[] {1.4, 0.4, 0.4}, within(1e-9));
    assertThat(result.coldStarts()).isEqualTo(1);
  }

  @Test
  void perInstanceConcurrencyLetsQueuedRequestsShareTheColdStart() {
    // GIVEN concurrency 2: r0 and r1 both wait on the initialising instance, r2 queues for a slot
    ArrivalTrace trace = ArrivalTrace.of(10, 0.0, 0.2, 0.3);

    SimulationResult result = new Simulator(oneInstance(2), PRICES).run(trace, new Fixed(0), 1);

    // r0, r1 run 1.0-1.4; r2 takes the first freed slot at 1.4 and ends at 1.8
    assertThat(result.latenciesSeconds())
        .containsExactly(new double[] {1.4, 1.2, 1.5}, within(1e-9));
    assertThat(result.coldStarts()).isEqualTo(2);
    assertThat(result.instanceStarts()).isEqualTo(1);
  }

  @Test
  void costAddsRequestsExecutionInitialisationAndProvisionedTime() {
    ArrivalTrace trace = ArrivalTrace.of(10, 0.0, 0.5, 5.0);
    Pricing prices = new Pricing(0.5, 2.0, 0.25, 1.0);

    SimulationResult onDemand = new Simulator(oneInstance(1), prices).run(trace, new Fixed(0), 1);
    SimulationResult provisioned =
        new Simulator(oneInstance(1), prices).run(trace, new Fixed(1), 1);

    // on demand: 3 requests x 0.5; 3 x 0.4 GB-s x 2.0; two 1 s initialisations x 1 GB x 2.0
    assertThat(onDemand.cost().requests()).isCloseTo(1.5, within(1e-12));
    assertThat(onDemand.cost().execution()).isCloseTo(2.4, within(1e-12));
    assertThat(onDemand.cost().initialisation()).isCloseTo(4.0, within(1e-12));
    assertThat(onDemand.cost().provisioned()).isZero();
    assertThat(onDemand.cost().total()).isCloseTo(7.9, within(1e-12));
    // provisioned (warm from the start, for the 10 s of the trace): 10 GB-s x 0.25, execution at
    // 1.0
    assertThat(provisioned.cost().provisioned()).isCloseTo(2.5, within(1e-12));
    assertThat(provisioned.cost().execution()).isCloseTo(1.2, within(1e-12));
    assertThat(provisioned.cost().initialisation()).isZero();
    assertThat(provisioned.latenciesSeconds())
        .containsExactly(new double[] {0.4, 0.4, 0.4}, within(1e-9));
    assertThat(provisioned.coldStarts()).isZero();
  }

  @Test
  void windowMetricsReportRateServiceTimeColdStartsAndUtilisation() {
    // GIVEN 4 requests in the first 10 s window on one provisioned instance, none in the second
    ArrivalTrace trace = ArrivalTrace.of(20, 1.0, 2.0, 3.0, 4.0);
    Fixed policy = new Fixed(1);

    new Simulator(oneInstance(1), PRICES).run(trace, policy, 1);

    WindowMetrics first = policy.seen.get(0);
    assertThat(policy.seen).hasSize(1); // the window ending at the trace's end is not decided on
    assertThat(first.invocationRate()).isCloseTo(0.4, within(1e-12));
    assertThat(first.meanServiceSeconds()).isCloseTo(0.4, within(1e-12));
    assertThat(first.p95LatencySeconds()).isCloseTo(0.4, within(1e-12));
    assertThat(first.coldStarts()).isZero();
    // 1.6 busy slot-seconds over 10 warm slot-seconds
    assertThat(first.utilisation()).isCloseTo(0.16, within(1e-12));
    assertThat(first.provisionedConcurrency()).isEqualTo(1);
  }

  @Test
  void theSameSeedGivesTheSameRunAndAnotherSeedAnotherOne() {
    PlatformModel platform = PlatformModel.defaults();
    ScalingParameters parameters = ScalingParameters.defaults();
    ArrivalTrace trace = new TraceGenerator(7).bursty(2, 30, 20, 100, 900);
    ArrivalTrace again = new TraceGenerator(7).bursty(2, 30, 20, 100, 900);
    ArrivalTrace other = new TraceGenerator(8).bursty(2, 30, 20, 100, 900);
    Simulator simulator = new Simulator(platform, PRICES);

    SimulationResult a =
        simulator.run(trace, io.isthmus.offload.scaling.PolicyKind.ADAPTIVE.create(parameters), 3);
    SimulationResult b =
        simulator.run(again, io.isthmus.offload.scaling.PolicyKind.ADAPTIVE.create(parameters), 3);
    SimulationResult c =
        simulator.run(other, io.isthmus.offload.scaling.PolicyKind.ADAPTIVE.create(parameters), 3);

    assertThat(a.latenciesSeconds()).isEqualTo(b.latenciesSeconds());
    assertThat(a.cost()).isEqualTo(b.cost());
    assertThat(a.timeline()).isEqualTo(b.timeline());
    assertThat(c.served()).isNotEqualTo(a.served());
  }
}
