package io.isthmus.sim.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.protocol.json.SensorEventJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VibrationProfileTest {
  private final VibrationProfile profile = VibrationProfile.defaults();

  @Test
  void sameSeedAndDeviceGiveTheSameEvents() {
    VibrationProfile faulty = VibrationProfile.builder().faultRate(0.3).build();
    List<SimulatedReading> a = take(faulty.newSource("pump-1", 7), 20);
    List<SimulatedReading> b = take(faulty.newSource("pump-1", 7), 20);
    List<SimulatedReading> otherSeed = take(faulty.newSource("pump-1", 8), 20);
    List<SimulatedReading> otherDevice = take(faulty.newSource("pump-2", 7), 20);

    assertThat(a).isEqualTo(b);
    assertThat(a.get(0).event().getSeries().getValuesList())
        .isNotEqualTo(otherSeed.get(0).event().getSeries().getValuesList())
        .isNotEqualTo(otherDevice.get(0).event().getSeries().getValuesList());
  }

  @Test
  void eventCarriesAWindowAtTheSampleRateAndNoFaultFlag() throws Exception {
    SimulatedReading r = profile.newSource("pump-1", 1).next(42, 1_700_000_000_000_000L);

    assertThat(r.event().getDeviceId()).isEqualTo("pump-1");
    assertThat(r.event().getStream()).isEqualTo("accel");
    assertThat(r.event().getSequence()).isEqualTo(42);
    assertThat(r.event().getTimestampUs()).isEqualTo(1_700_000_000_000_000L);
    assertThat(r.event().getSeries().getValuesCount()).isEqualTo(256);
    assertThat(r.event().getSeries().getSampleRateHz()).isEqualTo(5000);
    String json = new String(SensorEventJson.defaults().encode(r.event()), StandardCharsets.UTF_8);
    assertThat(json).doesNotContainIgnoringCase("fault").doesNotContain("healthy");
  }

  @Test
  void healthyWindowShowsShaftHarmonicsAtTheirAmplitudes() {
    double[] x = profile.window(new SplittableRandom(3), false);
    double fs = profile.sampleRateHz();
    // A sine of amplitude a has a single-sided DFT magnitude of a/2 (divided by N).
    // The window is not a whole number of periods, so allow leakage and the 2% speed jitter.
    assertThat(maxAround(x, 25, fs)).isBetween(0.3, 0.6);
    assertThat(maxAround(x, 50, fs)).isBetween(0.09, 0.22);
    assertThat(rms(x)).isBetween(0.7, 0.85); // sqrt((1 + 0.35^2 + 0.12^2) / 2) = 0.75
  }

  @Test
  void faultShowsAtBpfoAndInTheResonanceBand() {
    SplittableRandom rng = new SplittableRandom(11);
    double fs = profile.sampleRateHz();
    double bpfoHealthy = 0;
    double bpfoFaulty = 0;
    double bandHealthy = 0;
    double bandFaulty = 0;
    int n = 50;
    for (int i = 0; i < n; i++) {
      double[] healthy = profile.window(rng, false);
      double[] faulty = profile.window(rng, true);
      bpfoHealthy += maxAround(healthy, profile.bpfoHz(), fs) / n;
      bpfoFaulty += maxAround(faulty, profile.bpfoHz(), fs) / n;
      bandHealthy += Spectra.bandPower(healthy, 1500, 2100, fs) / n;
      bandFaulty += Spectra.bandPower(faulty, 1500, 2100, fs) / n;
    }
    assertThat(profile.bpfoHz()).isCloseTo(89.5, org.assertj.core.api.Assertions.within(1e-9));
    // The 0.4 g tone gives about 0.2; healthy has only leakage of the 3x harmonic and noise there.
    assertThat(bpfoFaulty).isGreaterThan(0.15);
    assertThat(bpfoFaulty).isGreaterThan(3 * bpfoHealthy);
    assertThat(bandFaulty).isGreaterThan(20 * bandHealthy);
  }

  @Test
  void faultRateAndFaultDevicesDecideTheFlag() {
    VibrationProfile p =
        VibrationProfile.builder().faultRate(0.2).faultDevices(Set.of("bad-1")).build();
    long faults =
        take(p.newSource("ok-1", 5), 2000).stream().filter(SimulatedReading::faultInjected).count();
    List<SimulatedReading> bad = take(p.newSource("bad-1", 5), 50);

    assertThat(faults).isBetween(340L, 460L); // 400 +- 3.5 sigma (sigma = 17.9)
    assertThat(bad)
        .allMatch(SimulatedReading::faultInjected)
        .allMatch(r -> r.label().equals("fault"));
    assertThat(take(profile.newSource("ok-1", 5), 200)).noneMatch(SimulatedReading::faultInjected);
  }

  @Test
  void builderNamesBadArguments() {
    assertThatThrownBy(() -> VibrationProfile.builder().faultRate(1.5))
        .hasMessage("faultRate is 1.5, expected 0 to 1");
    assertThatThrownBy(() -> VibrationProfile.builder().windowSize(4))
        .hasMessage("windowSize is 4, expected 16 to 65536");
    assertThatThrownBy(() -> VibrationProfile.builder().resonanceHz(3000).build())
        .hasMessageContaining("resonanceHz is 3000.0, expected below the Nyquist frequency 2500.0");
  }

  static List<SimulatedReading> take(SensorSource source, int n) {
    List<SimulatedReading> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(source.next(i, 1_000_000L * i));
    }
    return out;
  }

  private static double maxAround(double[] x, double hz, double fs) {
    double max = 0;
    for (double f = hz * 0.97; f <= hz * 1.03; f += hz * 0.005) {
      max = Math.max(max, Spectra.magnitude(x, f, fs));
    }
    return max;
  }

  private static double rms(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s / x.length);
  }
}
