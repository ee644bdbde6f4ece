package io.isthmus.partitioner.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.graph.ModelGraph;
import io.isthmus.partitioner.graph.OnnxModelFile;
import io.isthmus.partitioner.plan.CostGraphs;
import io.isthmus.partitioner.plan.CostModel;
import io.isthmus.partitioner.plan.CostParameters;
import io.isthmus.partitioner.plan.NetworkProfile;
import io.isthmus.partitioner.plan.Objective;
import io.isthmus.partitioner.plan.PartitionPlan;
import io.isthmus.partitioner.plan.PartitionPlan.Constraints;
import io.isthmus.partitioner.plan.PartitionPlan.ProfileSummary;
import io.isthmus.partitioner.plan.PlanTable;
import io.isthmus.partitioner.plan.Planner;
import io.isthmus.partitioner.plan.Quantities;
import io.isthmus.partitioner.profile.Profile;
import io.isthmus.partitioner.profile.Profiles;
import io.isthmus.partitioner.quantize.CalibrationInputs;
import io.isthmus.partitioner.quantize.HeadPrecision;
import io.isthmus.partitioner.quantize.QuantizedHead;
import io.isthmus.partitioner.runtime.TensorData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code partition plan}: chooses where to cut a model between the gateway and the cloud from a
 * profile of each, and writes {@code plan.json} with the choice and the candidate cuts.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Choose the cut of a model between the gateway and the cloud and write plan.json.",
      "Candidates are predicted on the given networks and on 2mbit/100ms, 20mbit/40ms and"
          + " 200mbit/5ms."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:plan written",
      "1:bad input, or no cut keeps the constraints (the plan is still written, feasible=false)",
      "2:bad usage"
    })
public final class PlanCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin InputShapeOption inputShapes;

  @Mixin SimulatorOption sim;

  @Parameters(paramLabel = "MODEL", description = "The ONNX model.")
  Path model;

  @Option(names = "--edge-profile", required = true, description = "Profile of the gateway.")
  Path edgeProfile;

  @Option(names = "--cloud-profile", description = "Profile of the cloud device.")
  Path cloudProfile;

  @Option(
      names = "--cloud-speed-factor",
      description =
          "Instead of --cloud-profile: the cloud is this many times faster than the gateway.")
  Double cloudSpeedFactor;

  @Option(
      names = "--network",
      required = true,
      paramLabel = "bw=BW,rtt=RTT",
      converter = NetworkConverter.class,
      description =
          "The gateway's network, e.g. bw=20mbit,rtt=40ms (kbit/mbit/gbit, ms/s); the first is"
              + " the one the chosen cut is for. Repeatable.")
  List<NetworkProfile> networks;

  @Option(
      names = "--objective",
      converter = ObjectiveConverter.class,
      description = "latency, energy or cost (default: latency).")
  Objective objective = Objective.LATENCY;

  @Option(names = "--slo", paramLabel = "DURATION", description = "Latency limit, e.g. 50ms.")
  String slo;

  @Option(
      names = "--edge-memory",
      paramLabel = "SIZE",
      description = "Gateway memory limit for the head, e.g. 256mb.")
  String edgeMemory;

  @Option(
      names = "--serialisation-ns-per-byte",
      description = "Gateway time to serialise a byte (default: ${DEFAULT-VALUE}).")
  double serialisationNsPerByte = CostParameters.DEFAULTS.serialisationNsPerByte();

  @Option(
      names = "--cold-start",
      paramLabel = "DURATION",
      description = "Cloud cold-start penalty, e.g. 800ms.")
  String coldStart = "0ms";

  @Option(
      names = "--cold-start-probability",
      description = "Chance of a cold start, 0..1 (default: ${DEFAULT-VALUE}).")
  double coldStartProbability;

  @Option(
      names = "--ignore-model-mismatch",
      description =
          "Plan even if a profile was made from another model file (sha256), with a warning.")
  boolean ignoreModelMismatch;

  @Option(names = "--json", description = "Print plan.json instead of the table.")
  boolean json;

  @Option(names = "--out", description = "Where to write the plan (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("plan.json");

  @Option(
      names = "--int8-head",
      description =
          "Also show each candidate's accuracy cost of an int8 head (static, per-channel) with a"
              + " float tail: agreement with the float model on --calibration inputs (or 8"
              + " synthetic ones).")
  boolean int8Head;

  @Option(
      names = "--int8-model",
      paramLabel = "FILE",
      description =
          "The int8 (QDQ) version of MODEL, from `model quantize`. With --int8-edge-profile the"
              + " plan also weighs each cut with an int8 head on the gateway and a float tail.")
  Path int8Model;

  @Option(
      names = "--int8-edge-profile",
      paramLabel = "FILE",
      description =
          "The gateway's profile of --int8-model (`partition profile --graph-optimization"
              + " extended`).")
  Path int8EdgeProfile;

  @Option(
      names = "--min-agreement",
      description =
          "With --int8-model: the least agreement with the float model (top-1, cosine or box IoU)"
              + " an int8 head needs to be chosen (default: ${DEFAULT-VALUE}).")
  double minAgreement = 0.99;

  @Option(
      names = "--calibration",
      paramLabel = "DIR",
      description =
          "Inputs for the agreement of int8 heads (--int8-head, --int8-model), laid out as for"
              + " 'model quantize --calibration'; or use --sim. Default: 8 synthetic ones.")
  Path calibration;

  @Override
  public Integer call() throws IOException, PartitionException {
    PrintWriter err = spec.commandLine().getErr();
    if ((cloudProfile == null) == (cloudSpeedFactor == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Give one of --cloud-profile or --cloud-speed-factor");
    }
    sim.check(spec, calibration != null, false);
    if ((int8Model == null) != (int8EdgeProfile == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--int8-model and --int8-edge-profile go together");
    }
    PartitionPlan plan;
    try {
      plan = plan();
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    plan.write(out);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.print(
        json
            ? new String(plan.toJson(), StandardCharsets.UTF_8) + System.lineSeparator()
            : int8Head && int8Model == null ? int8Table(plan) : PlanTable.render(plan));
    stdout.flush();
    if (!plan.feasible()) {
      err.println(
          "error: no candidate cut keeps the constraints; "
              + out
              + " holds the best one, marked feasible=false: "
              + plan.chosen().prediction().violation());
      return 1;
    }
    return 0;
  }

  private PartitionPlan plan() throws IOException, PartitionException {
    ModelGraph graphModel = ModelGraph.load(model, inputShapes.shapes());
    String sha = Profiles.sha256(model);
    Profile edge = Profiles.read(edgeProfile);
    Profile cloud =
        cloudProfile != null
            ? Profiles.read(cloudProfile)
            : Profiles.derive(
                edge, cloudSpeedFactor, "cloud (" + cloudSpeedFactor + "x " + edge.device() + ")");
    List<String> warnings = new ArrayList<>();
    for (Profile profile : List.of(edge, cloud)) {
      String problem = madeFromOther("The profile of " + profile.device(), profile, model, sha);
      if (problem != null) {
        if (!ignoreModelMismatch) {
          throw new IllegalArgumentException(
              problem
                  + ". Profile this model, or pass --ignore-model-mismatch if only its weights differ.");
        }
        warnings.add(problem);
      }
      if (profile.derived()) {
        warnings.add(
            "The "
                + profile.device()
                + " times were not measured: derived from "
                + profile.derivedFrom()
                + " at speed factor "
                + profile.speedFactor());
      }
    }
    CostParameters parameters =
        CostParameters.DEFAULTS
            .withSerialisationNsPerByte(serialisationNsPerByte)
            .withColdStart(Quantities.millis(coldStart), coldStartProbability);
    List<NetworkProfile> all = new ArrayList<>(networks);
    all.addAll(NetworkProfile.STANDARD);
    Planner.Request request =
        new Planner.Request(
            model.getFileName().toString(),
            sha,
            summary(edge),
            summary(cloud),
            new CostModel(parameters, objective),
            all,
            new Constraints(
                slo == null ? null : Quantities.millis(slo),
                edgeMemory == null ? null : Quantities.bytes(edgeMemory)),
            warnings);
    PartitionPlan plan = Planner.plan(CostGraphs.fromOnnx(graphModel, edge, cloud), request);
    return int8Model == null ? plan : withInt8Heads(plan, graphModel, edge, cloud, request);
  }

  /**
   * The plan with int8-head candidates: the gateway's int8 profile put on the float model's nodes,
   * planned again, and each int8 head's agreement measured on the calibration inputs.
   */
  private PartitionPlan withInt8Heads(
      PartitionPlan floatPlan,
      ModelGraph graphModel,
      Profile edge,
      Profile cloud,
      Planner.Request request)
      throws IOException, PartitionException {
    ModelProto floatProto = graphModel.model();
    ModelProto int8Proto = OnnxModelFile.read(int8Model);
    Profile int8Profile = Profiles.read(int8EdgeProfile);
    List<String> notes = new ArrayList<>();
    String problem =
        madeFromOther("The int8 profile", int8Profile, int8Model, Profiles.sha256(int8Model));
    if (problem != null) {
      if (!ignoreModelMismatch) {
        throw new IllegalArgumentException(problem + ". Profile the int8 model.");
      }
      notes.add(problem);
    }
    if (!int8Profile.device().equals(edge.device())) {
      notes.add(
          "The int8 profile is of " + int8Profile.device() + ", the float one of " + edge.device());
    }
    QuantizedHead int8 = QuantizedHead.of(floatProto, int8Proto);
    Profile int8Edge = int8.profileOnFloatNodes(int8Profile, edge);
    PartitionPlan int8Plan =
        Planner.plan(
            CostGraphs.fromOnnx(graphModel, int8Edge, cloud).withWeightBytes(int8.weightBytes()),
            request);
    Map<Integer, List<String>> heads = new LinkedHashMap<>();
    for (PartitionPlan.Candidate c : int8Plan.candidates()) {
      if (!c.headNodes().isEmpty()) {
        heads.put(c.index(), c.headNodes());
      }
    }
    List<Map<String, TensorData>> samples = samples(floatProto);
    HeadPrecision.Result agreement =
        HeadPrecision.agreementOf(floatProto, int8, heads, samples, null);
    notes.add(
        String.format(
            java.util.Locale.ROOT,
            "int8 heads: gateway times from %s's profile of %s (%s, %.3f ms in all); agreement is"
                + " %s on %d %s inputs; heads below %.4f are not chosen",
            int8Profile.device(),
            int8Model.getFileName(),
            int8Profile.graphOptimization(),
            int8Edge.totalMs(),
            agreement.metric().name().toLowerCase(java.util.Locale.ROOT),
            samples.size(),
            sim.given()
                ? "simulated (--sim " + sim.profile + ")"
                : calibration != null ? "calibration" : "synthetic",
            minAgreement));
    return Planner.withInt8Heads(
        floatPlan, int8Plan, agreement.byCandidate(), minAgreement, String.join("; ", notes));
  }

  /**
   * What is wrong when {@code profile} was not made from {@code file} (sha256 {@code sha}), said of
   * {@code subject}; null when it was.
   */
  private static String madeFromOther(String subject, Profile profile, Path file, String sha) {
    if (sha.equals(profile.modelSha256())) {
      return null;
    }
    return subject
        + " was made from "
        + profile.model()
        + " (sha256 "
        + profile.modelSha256()
        + "), not from "
        + file.getFileName()
        + " (sha256 "
        + sha
        + ")";
  }

  private List<Map<String, TensorData>> samples(ModelProto proto) throws PartitionException {
    List<ValueInfoProto> inputs = CalibrationInputs.inputs(proto.getGraph());
    if (sim.given()) {
      return sim.make(model, inputs, sim.samples, 0).samples();
    }
    return calibration != null
        ? CalibrationInputs.read(calibration, inputs, inputShapes.shapes())
        : CalibrationInputs.synthetic(inputs, inputShapes.shapes(), 8, 0);
  }

  private String int8Table(PartitionPlan plan) throws PartitionException {
    ModelProto proto = OnnxModelFile.read(model);
    List<Map<String, TensorData>> samples = samples(proto);
    Map<Integer, List<String>> heads = new LinkedHashMap<>();
    for (PartitionPlan.Candidate c : plan.candidates()) {
      heads.put(c.index(), c.headNodes());
    }
    HeadPrecision.Result result = HeadPrecision.agreement(proto, heads, samples, null);
    return PlanTable.render(
        plan, result.byCandidate(), result.metric().name().toLowerCase(java.util.Locale.ROOT));
  }

  private static ProfileSummary summary(Profile p) {
    return new ProfileSummary(p.device(), p.derivedFrom(), p.speedFactor(), p.runs(), p.totalMs());
  }

  /** Parses {@code --network} strictly, so a bad spec is a usage error naming the problem. */
  static final class NetworkConverter implements CommandLine.ITypeConverter<NetworkProfile> {
    @Override
    public NetworkProfile convert(String value) {
      try {
        return NetworkProfile.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** Reads {@code --objective} in any case. */
  static final class ObjectiveConverter implements CommandLine.ITypeConverter<Objective> {
    @Override
    public Objective convert(String value) {
      for (Objective o : Objective.values()) {
        if (o.name().equalsIgnoreCase(value)) {
          return o;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is no objective; expected latency, energy or cost");
    }
  }
}
