package io.isthmus.sim.profile;

import io.isthmus.protocol.v1.NamedFields;
import io.isthmus.protocol.v1.SensorEvent;
import java.util.SplittableRandom;

/**
 * Temperature ({@code temp}, degrees Celsius) and relative humidity ({@code rh}, percent) of a
 * room: a daily cycle plus a slow, mean-reverting random walk. The cycle runs on simulated time
 * ({@code secondsPerEvent} per event, so a 30 s run can span days), not the wall clock, which keeps
 * readings deterministic given the seed. Humidity falls when temperature rises, as it does indoors.
 */
public final class EnvironmentProfile implements SensorProfile {
  public static final double DEFAULT_SECONDS_PER_EVENT = 60;
  private static final double DAY_S = 86_400;

  private final String stream;
  private final double secondsPerEvent;

  public EnvironmentProfile(String stream, double secondsPerEvent) {
    this.stream = Checks.topicLevel(stream, "stream");
    this.secondsPerEvent = Checks.positive(secondsPerEvent, "secondsPerEvent");
  }

  /** Stream {@code env}, one minute of simulated time per event. */
  public static EnvironmentProfile defaults() {
    return new EnvironmentProfile("env", DEFAULT_SECONDS_PER_EVENT);
  }

  @Override
  public String name() {
    return "environment";
  }

  @Override
  public String stream() {
    return stream;
  }

  @Override
  public SensorSource newSource(String deviceId, long seed) {
    SplittableRandom rng = new SplittableRandom(Seeds.forDevice(seed, deviceId));
    double baseTemp = 19 + 4 * rng.nextDouble();
    double baseRh = 35 + 20 * rng.nextDouble();
    double dayPhase = 2 * Math.PI * rng.nextDouble();
    return new SensorSource() {
      private long count;
      private double tempWalk;
      private double rhWalk;

      @Override
      public SimulatedReading next(long sequence, long timestampUs) {
        double t = count++ * secondsPerEvent;
        double scale = Math.sqrt(secondsPerEvent / 60);
        // Ornstein-Uhlenbeck steps: drift that wanders but does not run away.
        tempWalk += -0.01 * tempWalk * secondsPerEvent / 60 + 0.05 * scale * rng.nextGaussian();
        rhWalk += -0.01 * rhWalk * secondsPerEvent / 60 + 0.2 * scale * rng.nextGaussian();
        double cycle = Math.sin(2 * Math.PI * t / DAY_S + dayPhase);
        double temp = baseTemp + 2.5 * cycle + tempWalk + 0.02 * rng.nextGaussian();
        double rh = Math.max(0, Math.min(100, baseRh - 6 * cycle + rhWalk));
        SensorEvent event =
            SensorEvent.newBuilder()
                .setDeviceId(deviceId)
                .setStream(stream)
                .setSequence(sequence)
                .setTimestampUs(timestampUs)
                .setFields(
                    NamedFields.newBuilder()
                        .putValues("temp", round(temp, 2))
                        .putValues("rh", round(rh, 1)))
                .build();
        return new SimulatedReading(event, false, "drift");
      }
    };
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
