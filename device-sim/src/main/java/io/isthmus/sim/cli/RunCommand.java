package io.isthmus.sim.cli;

import io.isthmus.sim.load.LoadShape;
import io.isthmus.sim.profile.AudioProfile;
import io.isthmus.sim.profile.CameraProfile;
import io.isthmus.sim.profile.EnvironmentProfile;
import io.isthmus.sim.profile.SensorProfile;
import io.isthmus.sim.profile.VibrationProfile;
import io.isthmus.sim.report.ReportFiles;
import io.isthmus.sim.report.SimulationReport;
import io.isthmus.sim.run.MqttVersion;
import io.isthmus.sim.run.PayloadFormat;
import io.isthmus.sim.run.Simulation;
import io.isthmus.sim.run.SimulationConfig;
import io.isthmus.sim.run.SimulationException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sim run}: publish simulated events, correlate results, report. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Publish simulated sensor events to a broker and report end-to-end latency.")
final class RunCommand implements Callable<Integer> {
  enum Profile {
    VIBRATION,
    ENVIRONMENT,
    AUDIO,
    CAMERA
  }

  enum Load {
    CONSTANT,
    POISSON,
    BURSTY,
    RAMP
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--broker",
      defaultValue = SimulationConfig.DEFAULT_BROKER,
      description = "Broker URI (default: ${DEFAULT-VALUE}).")
  String broker;

  @Option(names = "--devices", defaultValue = "10", description = "Devices sharing the rate.")
  int devices;

  @Option(
      names = "--rate",
      defaultValue = "100",
      description = "Total events per second over all devices (for ramp: the start rate).")
  double rate;

  @Option(names = "--rate-end", description = "For --load ramp: the rate at the end.")
  Double rateEnd;

  @Option(
      names = "--duration",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How long to send: 500ms, 30s, 2m (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--drain",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How long to wait for missing results after the last send.")
  Duration drain;

  @Option(
      names = "--profile",
      defaultValue = "vibration",
      description = "vibration, environment, audio or camera (default: ${DEFAULT-VALUE}).")
  Profile profile;

  @Option(
      names = "--load",
      defaultValue = "constant",
      description = "constant, poisson, bursty or ramp (default: ${DEFAULT-VALUE}).")
  Load load;

  @Option(
      names = "--burst-on",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "For --load bursty: mean length of a burst.")
  Duration burstOn;

  @Option(
      names = "--burst-off",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "For --load bursty: mean pause between bursts.")
  Duration burstOff;

  @Option(names = "--qos", defaultValue = "0", description = "0 or 1.")
  int qos;

  @Option(
      names = "--persistent-session",
      description =
          "Keep an MQTT session across broker restarts: reconnect, resend QoS 1 events in flight,"
              + " buffer events while disconnected (use with --client-id and --qos 1).")
  boolean persistentSession;

  @Option(names = "--client-id", description = "MQTT client id (default: a random one).")
  String clientId;

  @Option(
      names = "--mqtt-version",
      defaultValue = "3",
      description = "3 (3.1.1) or 5 (default: ${DEFAULT-VALUE}).")
  String mqttVersion;

  @Option(names = "--format", defaultValue = "json", description = "json or protobuf.")
  String format;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of payloads and arrivals.")
  long seed;

  @Option(
      names = "--fault-rate",
      defaultValue = "0",
      description = "vibration: probability that an event carries a bearing fault.")
  double faultRate;

  @Option(
      names = "--fault-devices",
      split = ",",
      description = "vibration: devices whose every event is faulty (e.g. sim-3,sim-7).")
  List<String> faultDevices = List.of();

  @Option(names = "--window", defaultValue = "256", description = "vibration: samples per event.")
  int window;

  @Option(names = "--camera-dir", description = "camera: send the JPEG/PNG files of this folder.")
  Path cameraDir;

  @Option(names = "--audio-float", description = "audio: send float values, not PCM bytes.")
  boolean audioFloat;

  @Option(
      names = "--audio-frame",
      defaultValue = "1600",
      description = "audio: samples per frame at 16 kHz (default: ${DEFAULT-VALUE}, 100 ms).")
  int audioFrame;

  @Option(
      names = "--device-prefix",
      defaultValue = SimulationConfig.DEFAULT_DEVICE_PREFIX,
      description = "Device ids are this prefix and an index.")
  String devicePrefix;

  @Option(
      names = "--first-seq",
      defaultValue = "0",
      description = "First sequence number of every device.")
  long firstSequence;

  @Option(names = "--json", description = "Print the report as one JSON object on the last line.")
  boolean json;

  @Option(names = "--out", description = "Write events.csv, latency.svg and report.json here.")
  Path out;

  @Option(names = "--quiet", description = "No progress lines on stderr.")
  boolean quiet;

  @Override
  public Integer call() {
    SimulationConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      // A value picocli accepted but the configuration rejects: a usage error all the same.
      spec.commandLine().getErr().println(e.getMessage());
      spec.commandLine().getErr().println("Try 'sim run --help' for more information.");
      return spec.exitCodeOnInvalidInput();
    }
    java.io.PrintWriter stdout = spec.commandLine().getOut();
    SimulationReport report;
    try {
      report = Simulation.run(config);
    } catch (SimulationException e) {
      spec.commandLine().getErr().println("sim: " + e.getMessage());
      return 1;
    }
    if (out != null) {
      try {
        ReportFiles.write(report, out);
      } catch (IOException e) {
        spec.commandLine()
            .getErr()
            .println("sim: cannot write the report to " + out + ": " + e.getMessage());
        return 1;
      }
    }
    if (json) {
      stdout.println(report.toJson());
    } else {
      stdout.print(ReportText.format(report));
    }
    stdout.flush();
    return 0;
  }

  SimulationConfig config() {
    SimulationConfig.Builder builder = SimulationConfig.builder();
    if (clientId != null) {
      builder.clientId(clientId);
    }
    return builder
        .brokerUri(broker)
        .devices(devices)
        .devicePrefix(devicePrefix)
        .profile(profile())
        .load(loadShape())
        .duration(duration)
        .drainTimeout(drain)
        .qos(qos)
        .mqttVersion(MqttVersion.parse(mqttVersion))
        .format(format())
        .seed(seed)
        .firstSequence(firstSequence)
        .persistentSession(persistentSession)
        .progress(quiet ? null : System.err)
        .build();
  }

  private PayloadFormat format() {
    return switch (format.toLowerCase(java.util.Locale.ROOT)) {
      case "json" -> PayloadFormat.JSON;
      case "protobuf", "pb" -> PayloadFormat.PROTOBUF;
      default ->
          throw new IllegalArgumentException(
              "--format is '" + format + "', expected json or protobuf");
    };
  }

  private SensorProfile profile() {
    return switch (profile) {
      case VIBRATION ->
          VibrationProfile.builder()
              .windowSize(window)
              .faultRate(faultRate)
              .faultDevices(Set.copyOf(faultDevices))
              .build();
      case ENVIRONMENT -> EnvironmentProfile.defaults();
      case AUDIO -> new AudioProfile("mic", audioFrame, audioFloat);
      case CAMERA ->
          cameraDir == null
              ? CameraProfile.synthetic(CameraProfile.DEFAULT_WIDTH, CameraProfile.DEFAULT_HEIGHT)
              : CameraProfile.fromFolder(cameraDir);
    };
  }

  private LoadShape loadShape() {
    if (rateEnd != null && load != Load.RAMP) {
      throw new IllegalArgumentException("--rate-end is only for --load ramp");
    }
    return switch (load) {
      case CONSTANT -> LoadShape.constant(rate);
      case POISSON -> LoadShape.poisson(rate);
      case BURSTY -> LoadShape.bursty(rate, burstOn, burstOff);
      case RAMP -> LoadShape.ramp(rate, rateEnd == null ? rate : rateEnd);
    };
  }
}
