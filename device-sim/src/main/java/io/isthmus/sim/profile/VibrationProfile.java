package io.isthmus.sim.profile;

import io.isthmus.protocol.v1.NumericSeries;
import io.isthmus.protocol.v1.SensorEvent;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Accelerometer windows of a rotating machine. A healthy window holds the shaft's rotation
 * harmonics (1x, 2x, 3x, each with random phase and a little amplitude and speed jitter) plus
 * Gaussian noise. A faulty window adds an outer-race bearing defect: a tone at the ball-pass
 * frequency (BPFO = {@value #BPFO_RATIO} x shaft speed, the ratio of a common 8-ball bearing) and,
 * at the same rate, impulses that ring a structural resonance and are amplitude-modulated by the
 * shaft rotation, as a defect passing through the load zone does.
 *
 * <p>Which events are faulty: every event of a device in {@link Builder#faultDevices}, and
 * otherwise each event with probability {@link Builder#faultRate}. The flag is returned in {@link
 * SimulatedReading#faultInjected()}, never in the payload.
 */
public final class VibrationProfile implements SensorProfile {
  public static final int DEFAULT_WINDOW = 256;
  public static final double DEFAULT_SAMPLE_RATE_HZ = 5000;
  public static final double DEFAULT_SHAFT_HZ = 25;
  public static final double DEFAULT_RESONANCE_HZ = 1800;
  public static final double DEFAULT_NOISE = 0.05;
  public static final double BPFO_RATIO = 3.58;

  private final String stream;
  private final int window;
  private final double sampleRateHz;
  private final double shaftHz;
  private final double resonanceHz;
  private final double noise;
  private final double faultRate;
  private final double faultSeverity;
  private final Set<String> faultDevices;

  private VibrationProfile(Builder b) {
    this.stream = b.stream;
    this.window = b.window;
    this.sampleRateHz = b.sampleRateHz;
    this.shaftHz = b.shaftHz;
    this.resonanceHz = b.resonanceHz;
    this.noise = b.noise;
    this.faultRate = b.faultRate;
    this.faultSeverity = b.faultSeverity;
    this.faultDevices = Set.copyOf(b.faultDevices);
  }

  /** The defaults: 256 samples at 5 kHz, 25 Hz shaft, no faults. */
  public static VibrationProfile defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "vibration";
  }

  @Override
  public String stream() {
    return stream;
  }

  public int windowSize() {
    return window;
  }

  public double sampleRateHz() {
    return sampleRateHz;
  }

  public double shaftHz() {
    return shaftHz;
  }

  /** The nominal outer-race defect frequency, {@code BPFO_RATIO * shaftHz}. */
  public double bpfoHz() {
    return BPFO_RATIO * shaftHz;
  }

  public double resonanceHz() {
    return resonanceHz;
  }

  public double faultRate() {
    return faultRate;
  }

  public Set<String> faultDevices() {
    return faultDevices;
  }

  @Override
  public SensorSource newSource(String deviceId, long seed) {
    SplittableRandom rng = new SplittableRandom(Seeds.forDevice(seed, deviceId));
    boolean alwaysFaulty = faultDevices.contains(deviceId);
    return (sequence, timestampUs) -> {
      boolean fault = alwaysFaulty || (faultRate > 0 && rng.nextDouble() < faultRate);
      double[] samples = window(rng, fault);
      SensorEvent event =
          SensorEvent.newBuilder()
              .setDeviceId(deviceId)
              .setStream(stream)
              .setSequence(sequence)
              .setTimestampUs(timestampUs)
              .setSeries(
                  NumericSeries.newBuilder()
                      .setSampleRateHz(sampleRateHz)
                      .addAllValues(java.util.Arrays.stream(samples).boxed().toList()))
              .build();
      return new SimulatedReading(event, fault, fault ? "fault" : "healthy");
    };
  }

  /**
   * One window of {@link #windowSize()} samples (in g), healthy or with a bearing fault, drawn from
   * {@code rng}. The anomaly model is fitted on windows from here.
   */
  public double[] window(SplittableRandom rng, boolean fault) {
    double dt = 1 / sampleRateHz;
    double f0 = shaftHz * (1 + 0.02 * (2 * rng.nextDouble() - 1));
    double[] amp = {1.0, 0.35, 0.12};
    double[] out = new double[window];
    for (int h = 0; h < amp.length; h++) {
      double a = amp[h] * (1 + 0.1 * (2 * rng.nextDouble() - 1));
      double phase = 2 * Math.PI * rng.nextDouble();
      double w = 2 * Math.PI * f0 * (h + 1);
      for (int n = 0; n < window; n++) {
        out[n] += a * Math.sin(w * n * dt + phase);
      }
    }
    for (int n = 0; n < window; n++) {
      out[n] += noise * rng.nextGaussian();
    }
    if (fault) {
      addOuterRaceFault(out, rng, f0, dt);
    }
    return out;
  }

  private void addOuterRaceFault(double[] out, SplittableRandom rng, double f0, double dt) {
    double bpfo = BPFO_RATIO * f0;
    double tone = 0.4 * faultSeverity;
    double tonePhase = 2 * Math.PI * rng.nextDouble();
    double shaftPhase = 2 * Math.PI * rng.nextDouble();
    double fr = resonanceHz * (1 + 0.05 * (2 * rng.nextDouble() - 1));
    double tau = 0.0015;
    double first = rng.nextDouble() / bpfo;
    double length = window * dt;
    for (int n = 0; n < window; n++) {
      out[n] += tone * Math.sin(2 * Math.PI * bpfo * n * dt + tonePhase);
    }
    // Start a few periods early so the window also sees the tails of earlier impulses.
    for (double tk = first - 3 / bpfo; tk < length; tk += 1 / bpfo) {
      double a = 1.5 * faultSeverity * (1 + 0.5 * Math.cos(2 * Math.PI * f0 * tk + shaftPhase));
      int start = Math.max(0, (int) Math.ceil(tk / dt));
      for (int n = start; n < window; n++) {
        double t = n * dt - tk;
        if (t > 8 * tau) {
          break;
        }
        out[n] += a * Math.exp(-t / tau) * Math.sin(2 * Math.PI * fr * t);
      }
    }
  }

  /** Validating builder; every setter names the bad argument. */
  public static final class Builder {
    private String stream = "accel";
    private int window = DEFAULT_WINDOW;
    private double sampleRateHz = DEFAULT_SAMPLE_RATE_HZ;
    private double shaftHz = DEFAULT_SHAFT_HZ;
    private double resonanceHz = DEFAULT_RESONANCE_HZ;
    private double noise = DEFAULT_NOISE;
    private double faultRate = 0;
    private double faultSeverity = 1;
    private Set<String> faultDevices = Set.of();

    private Builder() {}

    public Builder stream(String stream) {
      this.stream = Checks.topicLevel(stream, "stream");
      return this;
    }

    /** Samples per event, 16 to 65536. */
    public Builder windowSize(int window) {
      this.window = Checks.range(window, 16, 65536, "windowSize");
      return this;
    }

    public Builder sampleRateHz(double hz) {
      this.sampleRateHz = Checks.positive(hz, "sampleRateHz");
      return this;
    }

    public Builder shaftHz(double hz) {
      this.shaftHz = Checks.positive(hz, "shaftHz");
      return this;
    }

    public Builder resonanceHz(double hz) {
      this.resonanceHz = Checks.positive(hz, "resonanceHz");
      return this;
    }

    /** Standard deviation of the sensor noise in g, at least 0. */
    public Builder noise(double noise) {
      this.noise = Checks.nonNegative(noise, "noise");
      return this;
    }

    /** Probability in [0, 1] that an event of any device carries a fault. */
    public Builder faultRate(double rate) {
      this.faultRate = Checks.probability(rate, "faultRate");
      return this;
    }

    /** Scales the fault's tone and impulses; 1 is a clear, developed defect. */
    public Builder faultSeverity(double severity) {
      this.faultSeverity = Checks.nonNegative(severity, "faultSeverity");
      return this;
    }

    /** Devices whose every event is faulty. */
    public Builder faultDevices(Set<String> devices) {
      this.faultDevices = Set.copyOf(devices);
      return this;
    }

    /**
     * @throws IllegalArgumentException if the resonance is not below the Nyquist frequency
     */
    public VibrationProfile build() {
      if (resonanceHz >= sampleRateHz / 2) {
        throw new IllegalArgumentException(
            "resonanceHz is "
                + resonanceHz
                + ", expected below the Nyquist frequency "
                + sampleRateHz / 2);
      }
      return new VibrationProfile(this);
    }
  }
}
