package io.isthmus.agent.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NetworkEstimatorTest {
  @Test
  void rttIsAnExponentiallyWeightedAverageOfProbes() {
    NetworkEstimator network = new NetworkEstimator(0.5);
    assertThat(network.rttMs()).isEmpty();
    network.recordRtt(10);
    network.recordRtt(20);
    network.recordRtt(40);
    // 10 -> 15 -> 27.5
    assertThat(network.rttMs().getAsDouble()).isCloseTo(27.5, within(1e-9));
  }

  @Test
  void bandwidthIsBytesOverTheRoundTripLessRttAndServerTime() {
    NetworkEstimator network = new NetworkEstimator(0.5);
    network.recordTransfer(10_000, 50, 0);
    assertThat(network.bytesPerMs()).as("no RTT yet: the transfer cannot be timed").isEmpty();

    network.recordRtt(10);
    network.recordTransfer(10_000, 50, 20); // 10000 bytes in 50 - 10 - 20 = 20 ms
    assertThat(network.bytesPerMs().getAsDouble()).isCloseTo(500, within(1e-9));
    network.recordTransfer(30_000, 40, 0); // 30000 bytes in 30 ms = 1000 bytes/ms
    assertThat(network.bytesPerMs().getAsDouble()).isCloseTo(750, within(1e-9));
    network.recordTransfer(30_000, 9, 0); // shorter than the RTT: nothing to time
    assertThat(network.bytesPerMs().getAsDouble()).isCloseTo(750, within(1e-9));
  }

  @Test
  void predictionAddsRttTransferAndServerTime() {
    NetworkEstimator network = new NetworkEstimator(1.0);
    assertThat(network.predictMs(1000, 5)).isEmpty();
    network.recordRtt(10);
    assertThat(network.predictMs(1000, 5).getAsDouble())
        .as("bandwidth unknown: the transfer counts as free")
        .isCloseTo(15, within(1e-9));
    network.recordTransfer(2_000, 12, 0); // 1000 bytes/ms
    assertThat(network.predictMs(4_000, 5).getAsDouble()).isCloseTo(10 + 4 + 5, within(1e-9));
  }
}
