package io.isthmus.sim.cli;

import io.isthmus.protocol.manifest.ManifestException;
import io.isthmus.protocol.manifest.Platforms;
import io.isthmus.protocol.manifest.TrustedKeys;
import io.isthmus.sim.fleet.FaultMode;
import io.isthmus.sim.fleet.FaultPlan;
import io.isthmus.sim.fleet.FleetOptions;
import io.isthmus.sim.fleet.FleetSimulation;
import io.isthmus.sim.fleet.FleetSnapshot;
import io.isthmus.sim.fleet.HealthFigures;
import io.isthmus.sim.fleet.LabelSpread;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sim gateways}: a fleet of simulated gateways that follow desired states. */
@Command(
    name = "gateways",
    mixinStandardHelpOptions = true,
    description =
        "Simulate a fleet of gateways: each its own MQTT connection, following its desired state"
            + " (download, verify, activate), reporting state, events and run figures.")
final class GatewaysCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--broker",
      defaultValue = FleetOptions.DEFAULT_BROKER,
      description = "Broker URI, MQTT 3.1.1 (default: ${DEFAULT-VALUE}).")
  String broker;

  @Option(
      names = "--count",
      defaultValue = "10",
      description = "Gateways (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--id-prefix",
      defaultValue = FleetOptions.DEFAULT_ID_PREFIX,
      description = "Gateway ids are this and a zero-padded index (default: ${DEFAULT-VALUE}).")
  String idPrefix;

  @Option(
      names = "--trusted",
      required = true,
      description = "A public.pem or a folder of *.pem public keys packages must be signed by.")
  Path trusted;

  @Option(
      names = "--labels",
      split = ",",
      description = "Labels every gateway carries: site=a,hw=pi4.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(
      names = "--label-spread",
      description =
          "A label spread over the fleet, repeatable: ring=canary:1,stable:9 (weights default to 1).")
  List<String> spreads = new ArrayList<>();

  @Option(
      names = "--platform",
      description = "Platform reported and checked (default: this JVM's).")
  String platform = Platforms.current();

  @Option(
      names = "--agent-version",
      defaultValue = FleetOptions.DEFAULT_AGENT_VERSION,
      description = "agent_version reported (default: ${DEFAULT-VALUE}).")
  String agentVersion;

  @Option(
      names = "--pipeline",
      defaultValue = FleetOptions.DEFAULT_PIPELINE,
      description = "The pipeline each gateway runs (default: ${DEFAULT-VALUE}).")
  String pipeline;

  @Option(
      names = "--model",
      defaultValue = FleetOptions.DEFAULT_MODEL,
      description = "Its model name (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(
      names = "--initial-version",
      defaultValue = FleetOptions.DEFAULT_VERSION,
      description = "The version gateways start with (default: ${DEFAULT-VALUE}).")
  String initialVersion;

  @Option(
      names = "--heartbeat",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Reported state every (default: ${DEFAULT-VALUE}).")
  Duration heartbeat;

  @Option(
      names = "--keep-alive",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "MQTT keep-alive; a silent gateway's will fires 1.5x this later.")
  Duration keepAlive;

  @Option(names = "--runs-per-s", defaultValue = "10", description = "Model runs per second.")
  double runsPerSecond;

  @Option(
      names = "--error-rate",
      defaultValue = "0.001",
      description = "Healthy share of failed runs.")
  double errorRate;

  @Option(names = "--p50-ms", defaultValue = "8", description = "Healthy median run time.")
  double p50Ms;

  @Option(names = "--p95-ms", defaultValue = "14", description = "Healthy p95 run time.")
  double p95Ms;

  @Option(
      names = "--latency-spread",
      defaultValue = "0.1",
      description = "Sigma of the log-normal scatter of run times across gateways.")
  double latencySpread;

  @Option(names = "--fail-version", description = "Versions faulty gateways fail with: 2.0.0, 2.*")
  String failVersion;

  @Option(
      names = "--fail-mode",
      defaultValue = "load",
      description = "load (refuses to activate), errors (high error rate), latency (high p95).")
  FaultMode failMode;

  @Option(
      names = "--fail-fraction",
      defaultValue = "0.1",
      description = "Share of the selected gateways that are faulty (default: ${DEFAULT-VALUE}).")
  double failFraction;

  @Option(
      names = "--fail-labels",
      split = ",",
      description = "Only gateways with these labels can be faulty: hw=pi4.")
  Map<String, String> failLabels = new LinkedHashMap<>();

  @Option(
      names = "--fail-error-rate",
      defaultValue = "0.3",
      description = "Share of failed runs in errors mode (default: ${DEFAULT-VALUE}).")
  double failErrorRate;

  @Option(
      names = "--fail-latency-factor",
      defaultValue = "8",
      description = "Run time multiplier in latency mode (default: ${DEFAULT-VALUE}).")
  double failLatencyFactor;

  @Option(
      names = "--rollback-after",
      converter = DurationConverter.class,
      description = "Faulty gateways roll back by themselves this long after activating.")
  Duration rollbackAfter;

  @Option(names = "--stuck-fraction", defaultValue = "0", description = "Share that never act.")
  double stuckFraction;

  @Option(
      names = "--offline-fraction",
      defaultValue = "0",
      description = "Share that fall silent (their last will fires).")
  double offlineFraction;

  @Option(
      names = "--offline-after",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "When they fall silent, after connecting (default: ${DEFAULT-VALUE}).")
  Duration offlineAfter;

  @Option(
      names = "--fetch",
      defaultValue = "every",
      description =
          "every: each gateway downloads every file; once: files already verified here"
              + " by sha256 are not downloaded again (manifests always are).")
  FleetOptions.FetchMode fetch;

  @Option(
      names = "--download-concurrency",
      defaultValue = "32",
      description = "HTTP connections shared by all gateways (default: ${DEFAULT-VALUE}).")
  int downloadConcurrency;

  @Option(names = "--event-loops", defaultValue = "2", description = "Vert.x event loops.")
  int eventLoops;

  @Option(
      names = "--connect-rate",
      defaultValue = "500",
      description =
          "New connections per second at start, 0 for no limit (default: ${DEFAULT-VALUE}).")
  double connectRate;

  @Option(names = "--seed", defaultValue = "1", description = "Draws labels, faults and scatter.")
  long seed;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "Run this long, then stop and print the summary (default: until Ctrl-C).")
  Duration duration;

  @Option(
      names = "--progress",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Progress line on stderr every (default: ${DEFAULT-VALUE}).")
  Duration progress;

  @Option(names = "--quiet", description = "No progress lines.")
  boolean quiet;

  @Option(names = "--json", description = "The summary as one JSON object on the last stdout line.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    FleetOptions options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      // a value picocli accepted but the options reject: a usage error all the same
      spec.commandLine().getErr().println(e.getMessage());
      spec.commandLine().getErr().println("Try 'sim gateways --help' for more information.");
      return spec.exitCodeOnInvalidInput();
    }
    FleetSimulation fleet = FleetSimulation.start(options);
    CountDownLatch done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              finish(fleet);
              done.countDown();
            },
            "isthmus-sim-gateways-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    fleet
        .connected()
        .thenRun(
            () ->
                System.err.printf(
                    "fleet: all %d gateways connected in %.2f s%n",
                    options.count(), fleet.snapshot().connectSeconds()));
    if (duration == null) {
      done.await(); // until Ctrl-C; the hook prints the summary
      return 0;
    }
    if (done.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
      return 0; // stopped early by Ctrl-C; the hook printed the summary
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    finish(fleet);
    return 0;
  }

  private void finish(FleetSimulation fleet) {
    FleetSnapshot last = fleet.snapshot();
    fleet.close();
    System.err.println("fleet summary: " + last.line());
    System.err.println("fleet events: " + last.events() + ", adopt ms " + last.adoptMs());
    if (json) {
      System.out.println(last.toJson());
    }
    System.out.flush();
  }

  private FleetOptions options() {
    TrustedKeys keys;
    try {
      keys = TrustedKeys.load(trusted);
    } catch (ManifestException | IOException e) {
      throw new IllegalArgumentException("--trusted " + trusted + ": " + e.getMessage(), e);
    }
    FleetOptions.Builder b =
        FleetOptions.builder()
            .brokerUri(broker)
            .count(count)
            .idPrefix(idPrefix)
            .labels(labels)
            .platform(platform)
            .agentVersion(agentVersion)
            .pipeline(pipeline, model, initialVersion)
            .heartbeat(heartbeat)
            .keepAlive(keepAlive)
            .trusted(keys)
            .health(new HealthFigures(runsPerSecond, errorRate, p50Ms, p95Ms, latencySpread))
            .stuckFraction(stuckFraction)
            .offline(offlineFraction, offlineAfter)
            .fetch(fetch)
            .downloadConcurrency(downloadConcurrency)
            .rollbackAfter(rollbackAfter)
            .eventLoops(eventLoops)
            .connectRate(connectRate)
            .seed(seed)
            .progress(quiet ? null : System.err, progress);
    for (String spread : spreads) {
      b.spread(LabelSpread.parse(spread));
    }
    if (failVersion != null) {
      b.fault(
          new FaultPlan(
              failVersion, failMode, failFraction, failLabels, failErrorRate, failLatencyFactor));
    }
    return b.build();
  }
}
