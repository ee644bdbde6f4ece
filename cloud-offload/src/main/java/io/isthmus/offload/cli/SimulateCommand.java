package io.isthmus.offload.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.isthmus.offload.scaling.PolicyKind;
import io.isthmus.offload.scaling.ScalingParameters;
import io.isthmus.offload.simulate.ArrivalTrace;
import io.isthmus.offload.simulate.PlatformModel;
import io.isthmus.offload.simulate.Pricing;
import io.isthmus.offload.simulate.ResultJson;
import io.isthmus.offload.simulate.ResultTable;
import io.isthmus.offload.simulate.ServiceTime;
import io.isthmus.offload.simulate.SimulationResult;
import io.isthmus.offload.simulate.Simulator;
import io.isthmus.offload.simulate.SvgChart;
import io.isthmus.offload.simulate.TraceGenerator;
import io.isthmus.protocol.units.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code offload simulate}: replays an arrival trace (a CSV file or a generated one) against the
 * scaling policies in the discrete-event simulator and prints p50/p95/p99 latency, cold starts and
 * cost per policy; {@code --out} also writes the table, the JSON and an SVG chart.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description =
        "Replay an arrival trace against scaling policies and compare latency, cold starts, cost.")
public final class SimulateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--trace",
      defaultValue = "bursty",
      description =
          "A CSV file of arrival times in seconds (first column), or a generated trace: poisson, bursty"
              + " (on/off Markov-modulated), periodic (a burst every --period), diurnal (default: ${DEFAULT-VALUE}).")
  String trace;

  @Option(
      names = "--policy",
      defaultValue = "all",
      description = "reactive, adaptive, predictive or all (default: ${DEFAULT-VALUE}).")
  String policy;

  @Option(
      names = "--duration",
      defaultValue = "1h",
      converter = DurationConverter.class,
      description =
          "Length of a generated trace, or of a CSV trace (default: ${DEFAULT-VALUE}; 0 for a CSV"
              + " trace ends it after its last arrival).")
  Duration duration;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of traces and service times.")
  long seed;

  @Option(names = "--json", description = "Print JSON instead of the table.")
  boolean json;

  @Option(names = "--out", description = "Also write results.md, results.json and chart.svg here.")
  Path out;

  @Option(names = "--rate", defaultValue = "2", description = "Base arrival rate, requests/s.")
  double rate;

  @Option(
      names = "--burst-rate",
      defaultValue = "40",
      description = "Rate in a burst (diurnal: peak).")
  double burstRate;

  @Option(
      names = "--burst",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description = "Length of a burst (bursty: its mean).")
  Duration burst;

  @Option(
      names = "--period",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description = "Time from one burst to the next (bursty: its mean; diurnal: the day).")
  Duration period;

  @Option(
      names = "--cold-start",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description = "Instance cold-start time.")
  Duration coldStart;

  @Option(
      names = "--service-time",
      defaultValue = "100ms",
      converter = DurationConverter.class,
      description = "Mean service time (log-normal).")
  Duration serviceTime;

  @Option(
      names = "--service-cv",
      defaultValue = "0.5",
      description = "Service time's coefficient of variation.")
  double serviceCv;

  @Option(
      names = "--instance-concurrency",
      defaultValue = "1",
      description = "Requests per instance.")
  int instanceConcurrency;

  @Option(
      names = "--keep-alive",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "Idle time before an on-demand instance is scaled to zero.")
  Duration keepAlive;

  @Option(
      names = "--memory-gb",
      defaultValue = "2",
      description = "Instance memory, GB (billing unit).")
  double memoryGb;

  @Option(
      names = "--interval",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Control interval of the policies.")
  Duration interval;

  @Option(
      names = "--slo",
      defaultValue = "300ms",
      converter = DurationConverter.class,
      description = "p95 latency objective of the adaptive policy.")
  Duration slo;

  @Option(names = "--max-concurrency", defaultValue = "100", description = "C_max.")
  int maxConcurrency;

  @Option(names = "--baseline", defaultValue = "1", description = "Warm baseline concurrency.")
  int baseline;

  @Override
  public Integer call() throws IOException {
    List<PolicyKind> kinds = policies();
    PlatformModel platform;
    ScalingParameters parameters;
    ArrivalTrace arrivals;
    try {
      platform =
          new PlatformModel(
              seconds(coldStart),
              instanceConcurrency,
              seconds(keepAlive),
              new ServiceTime(seconds(serviceTime), serviceCv),
              memoryGb,
              PlatformModel.defaults().maxInstances(),
              seconds(interval));
      parameters =
          ScalingParameters.defaults()
              .withSloSeconds(seconds(slo))
              .withLimits(maxConcurrency, baseline)
              .withTiming(seconds(interval), seconds(coldStart));
      arrivals = arrivals();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Simulator simulator = new Simulator(platform, Pricing.awsLambdaX86());
    List<SimulationResult> results = new ArrayList<>();
    for (PolicyKind kind : kinds) {
      results.add(simulator.run(arrivals, kind.create(parameters), seed));
    }
    String table = ResultTable.markdown(results);
    String jsonText =
        new ObjectMapper()
            .writerWithDefaultPrettyPrinter()
            .writeValueAsString(ResultJson.of(results));
    PrintWriter stdout = spec.commandLine().getOut();
    if (json) {
      stdout.println(jsonText);
    } else {
      stdout.printf(
          Locale.ROOT,
          "trace %s: %d arrivals in %.0f s, seed %d%n%n%s",
          trace,
          arrivals.size(),
          arrivals.durationSeconds(),
          seed,
          table);
    }
    if (out != null) {
      Files.createDirectories(out);
      Files.writeString(out.resolve("results.md"), table);
      Files.writeString(out.resolve("results.json"), jsonText + "\n");
      Files.writeString(out.resolve("chart.svg"), SvgChart.render(results));
    }
    stdout.flush();
    return 0;
  }

  private List<PolicyKind> policies() {
    if (policy.equalsIgnoreCase("all")) {
      return List.of(PolicyKind.values());
    }
    for (PolicyKind kind : PolicyKind.values()) {
      if (kind.name().equalsIgnoreCase(policy)) {
        return List.of(kind);
      }
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "Unknown --policy '" + policy + "', expected one of reactive, adaptive, predictive, all");
  }

  private ArrivalTrace arrivals() {
    double length = seconds(duration);
    TraceGenerator generator = new TraceGenerator(seed);
    double burstSeconds = seconds(burst);
    double periodSeconds = seconds(period);
    return switch (trace.toLowerCase(Locale.ROOT)) {
      case "poisson" -> generator.poisson(rate, length);
      case "bursty" ->
          generator.bursty(rate, burstRate, burstSeconds, periodSeconds - burstSeconds, length);
      case "periodic" -> generator.periodic(rate, burstRate, periodSeconds, burstSeconds, length);
      case "diurnal" -> generator.diurnal(rate, burstRate, periodSeconds, length);
      default -> {
        Path file = Path.of(trace);
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException(
              "--trace '"
                  + trace
                  + "' is neither a readable CSV file nor one of poisson, bursty, periodic, diurnal");
        }
        yield ArrivalTrace.fromCsv(file, length);
      }
    };
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  /** Reads a duration as {@link Durations} does, and a bare number as seconds. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value, ChronoUnit.SECONDS);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
