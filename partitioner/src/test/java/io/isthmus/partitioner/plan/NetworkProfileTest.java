package io.isthmus.partitioner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NetworkProfileTest {
  @Test
  void parsesBandwidthAndRoundTripInAnyOrderAndUnit() {
    NetworkProfile n = NetworkProfile.parse("bw=20mbit,rtt=40ms");
    assertThat(n.bitsPerSecond()).isEqualTo(20e6);
    assertThat(n.rttMs()).isEqualTo(40);
    assertThat(n.name()).isEqualTo("20mbit/40ms");
    assertThat(n.msPerByte()).isEqualTo(0.0004);

    NetworkProfile m = NetworkProfile.parse("rtt=0.1s, bw=512kbit");
    assertThat(m.bitsPerSecond()).isEqualTo(512e3);
    assertThat(m.rttMs()).isEqualTo(100);
    assertThat(NetworkProfile.parse("bw=1.5Gbit,rtt=1ms").bitsPerSecond()).isEqualTo(1.5e9);
  }

  @Test
  void malformedSpecsSayWhatIsWrong() {
    assertThatThrownBy(() -> NetworkProfile.parse("bw=20mbit"))
        .hasMessage(
            "Invalid network 'bw=20mbit': both bw and rtt are needed. Expected e.g. bw=20mbit,rtt=40ms");
    assertThatThrownBy(() -> NetworkProfile.parse("bw=20mb,rtt=40ms"))
        .hasMessageContaining(
            "'20mb' is not a bandwidth: expected a number and one of the units [gbit, kbit, mbit]");
    assertThatThrownBy(() -> NetworkProfile.parse("bw=20mbit,rtt=40"))
        .hasMessageContaining("'40' is not a duration");
    assertThatThrownBy(() -> NetworkProfile.parse("bw=20mbit,rtt=4ms,rtt=5ms"))
        .hasMessageContaining("rtt is given twice");
    assertThatThrownBy(() -> NetworkProfile.parse("bandwidth=20mbit,rtt=4ms"))
        .hasMessageContaining("'bandwidth=20mbit' is not bw=... or rtt=...");
    assertThatThrownBy(() -> NetworkProfile.parse("bw=0mbit,rtt=4ms"))
        .hasMessageContaining("Bandwidth must be a finite number > 0");
    assertThatThrownBy(() -> NetworkProfile.parse("bw=-1mbit,rtt=4ms"))
        .hasMessageContaining("is not a bandwidth");
  }

  @Test
  void sizesAndDurations() {
    assertThat(Quantities.bytes("256mb")).isEqualTo(256L * 1024 * 1024);
    assertThat(Quantities.bytes("1.5kb")).isEqualTo(1536);
    assertThat(Quantities.millis("2s")).isEqualTo(2000);
    assertThatThrownBy(() -> Quantities.bytes("256")).hasMessageContaining("'256' is not a size");
  }
}
