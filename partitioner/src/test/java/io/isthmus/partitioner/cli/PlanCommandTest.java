package io.isthmus.partitioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.isthmus.inference.testing.TestModels;
import io.isthmus.partitioner.graph.OnnxModelFile;
import io.isthmus.partitioner.plan.PartitionPlan;
import io.isthmus.partitioner.profile.Profile;
import io.isthmus.partitioner.profile.Profiler;
import io.isthmus.partitioner.profile.Profiles;
import io.isthmus.partitioner.quantize.CalibrationInputs;
import io.isthmus.partitioner.quantize.QuantizeOptions;
import io.isthmus.partitioner.quantize.QuantizedHead;
import io.isthmus.partitioner.quantize.Quantizer;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.TensorData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
  @TempDir static Path dir;
  private static Path model;
  private static Path edge;
  private static Profile measured;

  @BeforeAll
  static void profile() throws Exception {
    model = TestModels.require("pp-ocr-cls");
    measured =
        new Profiler(
                new Profiler.Settings(3, 1, 1, "basic", Map.of("x", new long[] {1, 3, 48, 192})))
            .profile(model, "pi4");
    edge = dir.resolve("pi4.json");
    Profiles.write(measured, edge);
  }

  private static CommandRun plan(String... extra) {
    String[] base = {model.toString(), "--edge-profile", edge.toString()};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CommandRun.of(new PlanCommand(), args);
  }

  @Test
  void writesThePlanAndPrintsTheTable() throws Exception {
    Path out = dir.resolve("plan.json");
    CommandRun run =
        plan(
            "--cloud-speed-factor",
            "8",
            "--network",
            "bw=20mbit,rtt=40ms",
            "--network",
            "bw=1gbit,rtt=1ms",
            "--out",
            out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    PartitionPlan plan = PartitionPlan.read(out);
    assertThat(plan.networks())
        .extracting(n -> n.name())
        .containsExactly("20mbit/40ms", "1gbit/1ms", "2mbit/100ms", "200mbit/5ms");
    assertThat(plan.chosen().network()).isEqualTo("20mbit/40ms");
    assertThat(plan.cloud().derivedFrom()).isEqualTo("pi4");
    assertThat(plan.cloud().speedFactor()).isEqualTo(8.0);
    assertThat(plan.warnings())
        .anyMatch(w -> w.contains("not measured: derived from pi4 at speed factor 8.0"));
    assertThat(plan.modelSha256()).isEqualTo(measured.modelSha256());
    assertThat(run.out())
        .contains("Chosen for 20mbit/40ms: candidate " + plan.chosen().candidate())
        .contains("NOT measured: derived from pi4")
        .contains("all-edge", "all-cloud", "2mbit/100ms", "1gbit/1ms");
  }

  @Test
  void planSplitVerifyIsOneFlow() throws Exception {
    // A gateway ten times slower than this machine, which is the cloud, on fast links.
    Path slow = dir.resolve("slow.json");
    Profiles.write(Profiles.derive(measured, 0.1, "slow"), slow);
    Path out = dir.resolve("flow/plan.json");
    CommandRun planned =
        CommandRun.of(
            new PlanCommand(),
            model.toString(),
            "--edge-profile",
            slow.toString(),
            "--cloud-profile",
            edge.toString(),
            "--input-shape",
            "x=1,3,48,192",
            "--network",
            "bw=100mbit,rtt=0ms",
            "--network",
            "bw=50mbit,rtt=0ms",
            "--network",
            "bw=20mbit,rtt=0ms",
            "--out",
            out.toString());
    assertThat(planned.exitCode()).as(planned.err()).isZero();
    PartitionPlan plan = PartitionPlan.read(out);
    List<Integer> splits =
        plan.candidates().stream()
            .filter(c -> c.kind().equals("split"))
            .map(c -> c.index())
            .toList();
    assertThat(splits).isNotEmpty();

    for (int index : splits) {
      Path halves = dir.resolve("flow/" + index);
      CommandRun split =
          CommandRun.partition(
              "split",
              model.toString(),
              "--input-shape",
              "x=1,3,48,192",
              "--plan",
              out.toString(),
              "--candidate",
              Integer.toString(index),
              "--out",
              halves.toString());
      assertThat(split.exitCode()).as(split.err()).isZero();
      assertThat(split.out())
          .contains("Plan candidate " + index + " (split")
          .contains(String.join(",", plan.candidates().get(index).tensors()));
      CommandRun verify =
          CommandRun.partition(
              "verify",
              model.toString(),
              "--input-shape",
              "x=1,3,48,192",
              "--head",
              halves.resolve("head.onnx").toString(),
              "--tail",
              halves.resolve("tail.onnx").toString());
      assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    }

    String network = plan.candidates().get(splits.get(0)).bestFor().get(0);
    CommandRun byNetwork =
        CommandRun.partition(
            "split",
            model.toString(),
            "--input-shape",
            "x=1,3,48,192",
            "--plan",
            out.toString(),
            "--network",
            network,
            "--out",
            dir.resolve("flow/by-network").toString());
    assertThat(byNetwork.exitCode()).as(byNetwork.err()).isZero();
    assertThat(byNetwork.out()).contains("Plan candidate " + splits.get(0) + " ");

    CommandRun allEdge =
        CommandRun.partition(
            "split",
            model.toString(),
            "--plan",
            out.toString(),
            "--candidate",
            "0",
            "--out",
            dir.resolve("flow/none").toString());
    assertThat(allEdge.exitCode()).isEqualTo(12);
    assertThat(allEdge.err()).contains("Candidate 0 is all-edge: there is nothing to split");
    assertThat(dir.resolve("flow/none/head.onnx")).doesNotExist();
  }

  @Test
  void jsonFlagPrintsThePlanItWrites() throws Exception {
    Path out = dir.resolve("json/plan.json");
    CommandRun run =
        plan(
            "--cloud-speed-factor",
            "8",
            "--network",
            "bw=2mbit,rtt=100ms",
            "--json",
            "--out",
            out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().strip()).isEqualTo(Files.readString(out).strip());
  }

  @Test
  void malformedNetworkIsAUsageError() {
    CommandRun run = plan("--cloud-speed-factor", "8", "--network", "bw=20mbps,rtt=40ms");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("Invalid value for option '--network'")
        .contains("'20mbps' is not a bandwidth")
        .contains("Expected e.g. bw=20mbit,rtt=40ms");
  }

  @Test
  void profileOfAnotherModelFileIsRefusedUnlessAllowed() throws Exception {
    Profile other =
        new Profile(
            measured.device(),
            "other.onnx",
            "ff00",
            measured.runs(),
            measured.warmupRuns(),
            measured.threads(),
            measured.graphOptimization(),
            measured.aggregate(),
            null,
            null,
            measured.nodes(),
            measured.inputBytes(),
            measured.unattributedMs(),
            measured.totalMs());
    Path file = dir.resolve("other.json");
    Profiles.write(other, file);
    Path out = dir.resolve("mismatch.json");

    CommandRun refused =
        CommandRun.of(
            new PlanCommand(),
            model.toString(),
            "--edge-profile",
            file.toString(),
            "--cloud-speed-factor",
            "8",
            "--network",
            "bw=20mbit,rtt=40ms",
            "--out",
            out.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .contains("was made from other.onnx (sha256 ff00)", "--ignore-model-mismatch");
    assertThat(out).doesNotExist();

    CommandRun allowed =
        CommandRun.of(
            new PlanCommand(),
            model.toString(),
            "--edge-profile",
            file.toString(),
            "--cloud-speed-factor",
            "8",
            "--network",
            "bw=20mbit,rtt=40ms",
            "--ignore-model-mismatch",
            "--out",
            out.toString());
    assertThat(allowed.exitCode()).as(allowed.err()).isZero();
    assertThat(PartitionPlan.read(out).warnings())
        .anyMatch(w -> w.contains("was made from other.onnx"));
  }

  @Test
  void impossibleConstraintsWriteTheBestPlanAndFail() throws Exception {
    Path out = dir.resolve("tight.json");
    CommandRun run =
        plan(
            "--cloud-speed-factor",
            "8",
            "--network",
            "bw=20mbit,rtt=40ms",
            "--slo",
            "0.01ms",
            "--edge-memory",
            "1kb",
            "--out",
            out.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("no candidate cut keeps the constraints")
        .contains("exceeds the SLO of 0.010 ms");
    assertThat(run.out()).contains("No candidate keeps the constraints");
    PartitionPlan plan = PartitionPlan.read(out);
    assertThat(plan.feasible()).isFalse();
    assertThat(plan.constraints().edgeMemoryBytes()).isEqualTo(1024);
    // The best plan by latency, constraints aside, is all-edge here (the model runs faster than the
    // RTT).
    assertThat(plan.chosen().tailNodes()).isEmpty();
  }

  @Test
  void cloudMustBeGivenOneWay() {
    CommandRun run = plan("--network", "bw=20mbit,rtt=40ms");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Give one of --cloud-profile or --cloud-speed-factor");

    CommandRun objective =
        plan(
            "--cloud-speed-factor", "8", "--network", "bw=20mbit,rtt=40ms", "--objective", "speed");
    assertThat(objective.exitCode()).isEqualTo(2);
    assertThat(objective.err())
        .contains("'speed' is no objective; expected latency, energy or cost");
  }

  @Test
  void int8HeadShowsEachCandidatesAccuracyCostNextToItsLatency() {
    CommandRun run =
        plan(
            "--cloud-speed-factor",
            "8",
            "--input-shape",
            "x=1,3,48,192",
            "--int8-head",
            "--network",
            "bw=20mbit,rtt=40ms",
            "--out",
            dir.resolve("plan-int8.json").toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("int8 head").contains("top1 agreement with the float model");
    List<String> rows = run.out().lines().toList();
    // all-cloud quantizes nothing, so it agrees fully; every row shows a value in [0, 1]
    assertThat(rows)
        .filteredOn(l -> l.contains("all-cloud"))
        .singleElement()
        .asString()
        .contains(" 1.0000 ");
    List<String> candidates = rows.stream().filter(l -> l.matches("\\s*\\d+  .*")).toList();
    assertThat(candidates).isNotEmpty();
    for (String row : candidates) {
      assertThat(row).containsPattern(" (0|1)\\.\\d{4} ");
    }
  }

  /** pp-ocr-cls quantized (static) and its profile at extended optimisation, made once. */
  private record Int8Fixture(Path model, Path profilePath, Profile profile) {}

  private static Int8Fixture int8;

  private static synchronized Int8Fixture int8() throws Exception {
    if (int8 != null) {
      return int8;
    }
    ModelProto floatModel = OnnxModelFile.read(model);
    List<Map<String, TensorData>> inputs =
        CalibrationInputs.synthetic(
            CalibrationInputs.inputs(floatModel.getGraph()),
            InputShapes.parse(List.of("x=1,3,48,192")),
            8,
            1);
    Path file = dir.resolve("cls-int8.onnx");
    Files.write(
        file,
        Quantizer.prepare(
                floatModel,
                QuantizeOptions.defaults().withMode(QuantizeOptions.Mode.STATIC),
                inputs)
            .quantize()
            .toByteArray());
    Profile measured =
        new Profiler(
                new Profiler.Settings(3, 1, 1, "extended", Map.of("x", new long[] {1, 3, 48, 192})))
            .profile(file, "pi4");
    Path profile = dir.resolve("pi4-int8.json");
    Profiles.write(measured, profile);
    int8 = new Int8Fixture(file, profile, measured);
    return int8;
  }

  @Test
  void anInt8ModelAndItsProfileAddInt8HeadCandidatesWithTheirAgreement() throws Exception {
    Path int8 = int8().model();
    Path int8Profile = int8().profilePath();
    Profile int8Measured = int8().profile();
    Path out = dir.resolve("plan-int8-model.json");

    CommandRun run =
        plan(
            "--cloud-speed-factor",
            "8",
            "--input-shape",
            "x=1,3,48,192",
            "--int8-model",
            int8.toString(),
            "--int8-edge-profile",
            int8Profile.toString(),
            "--min-agreement",
            "0.5",
            "--network",
            "bw=20mbit,rtt=40ms",
            "--out",
            out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    PartitionPlan plan = PartitionPlan.read(out);
    List<PartitionPlan.Candidate> int8Rows =
        plan.candidates().stream().filter(PartitionPlan.Candidate::int8).toList();
    assertThat(int8Rows).isNotEmpty().noneMatch(c -> c.kind().equals("all-cloud"));
    for (PartitionPlan.Candidate c : int8Rows) {
      assertThat(c.agreement()).isBetween(0.5, 1.0);
    }
    // Every kernel of the int8 model is charged to a float node: all-edge costs all of them.
    PartitionPlan.Candidate int8AllEdge =
        int8Rows.stream().filter(c -> c.kind().equals("all-edge")).findFirst().orElseThrow();
    assertThat(int8AllEdge.edgeMs())
        .isCloseTo(int8Measured.totalMs(), org.assertj.core.api.Assertions.within(1e-6));
    assertThat(plan.candidates().get(0).edgeMs())
        .isCloseTo(measured.totalMs(), org.assertj.core.api.Assertions.within(1e-6));
    assertThat(plan.chosen().precision()).isIn("float", "int8");
    assertThat(plan.warnings())
        .anyMatch(
            w -> w.startsWith("int8 heads: gateway times from pi4's profile of cls-int8.onnx"));
    assertThat(run.out()).contains("prec agreement").containsPattern("  int8    [01]\\.\\d{4} ");

    CommandRun alone =
        plan(
            "--cloud-speed-factor",
            "8",
            "--network",
            "bw=20mbit,rtt=40ms",
            "--int8-model",
            int8.toString());
    assertThat(alone.exitCode()).isEqualTo(2);
    assertThat(alone.err()).contains("--int8-model and --int8-edge-profile go together");

    CommandRun wrongProfile =
        plan(
            "--cloud-speed-factor",
            "8",
            "--network",
            "bw=20mbit,rtt=40ms",
            "--int8-model",
            int8.toString(),
            "--int8-edge-profile",
            edge.toString(),
            "--out",
            dir.resolve("wrong.json").toString());
    assertThat(wrongProfile.exitCode()).isEqualTo(1);
    assertThat(wrongProfile.err()).contains("The int8 profile was made from");
  }

  @Test
  void anInt8SplitCandidateSplitsTheModelWithItsHeadInInt8() throws Exception {
    Path out = dir.resolve("plan-int8-split.json");
    // A memory limit keeps the whole model off the gateway, so the plan has split candidates.
    CommandRun planned =
        plan(
            "--cloud-speed-factor",
            "20",
            "--input-shape",
            "x=1,3,48,192",
            "--int8-model",
            int8().model().toString(),
            "--int8-edge-profile",
            int8().profilePath().toString(),
            "--edge-memory",
            "500kb",
            "--network",
            "bw=200mbit,rtt=5ms",
            "--out",
            out.toString());
    assertThat(planned.exitCode()).as(planned.err()).isZero();
    PartitionPlan plan = PartitionPlan.read(out);
    PartitionPlan.Candidate candidate =
        plan.candidates().stream()
            .filter(c -> c.int8() && c.kind().equals("split"))
            .findFirst()
            .orElseThrow();
    String index = Integer.toString(candidate.index());
    Path halves = dir.resolve("int8-split");

    CommandRun withoutModel = splitAt(out, index, halves);
    assertThat(withoutModel.exitCode()).isNotZero();
    assertThat(withoutModel.err()).contains("runs its head in int8: give --int8-model");

    CommandRun split = splitAt(out, index, halves, "--int8-model", int8().model().toString());
    assertThat(split.exitCode()).as(split.err()).isZero();
    assertThat(split.out()).contains("int8 head").contains("Head from");
    ModelProto head = OnnxModelFile.read(halves.resolve("head.onnx"));
    assertThat(head.getGraph().getNodeList()).anyMatch(n -> n.getOpType().equals("QuantizeLinear"));
    ModelProto tail = OnnxModelFile.read(halves.resolve("tail.onnx"));
    assertThat(tail.getGraph().getNodeList())
        .noneMatch(n -> n.getOpType().endsWith("QuantizeLinear"));

    // head -> tail computes what the model with that int8 head and a float tail computes
    Path mixed = dir.resolve("int8-split-mixed.onnx");
    Files.write(
        mixed,
        QuantizedHead.of(OnnxModelFile.read(model), OnnxModelFile.read(int8().model()))
            .mixed(candidate.headNodes())
            .toByteArray());
    CommandRun verify =
        CommandRun.partition(
            "verify",
            mixed.toString(),
            "--input-shape",
            "x=1,3,48,192",
            "--head",
            halves.resolve("head.onnx").toString(),
            "--tail",
            halves.resolve("tail.onnx").toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
  }

  private static CommandRun splitAt(Path plan, String candidate, Path out, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "split",
                model.toString(),
                "--input-shape",
                "x=1,3,48,192",
                "--plan",
                plan.toString(),
                "--candidate",
                candidate,
                "--out",
                out.toString()));
    args.addAll(List.of(extra));
    return CommandRun.partition(args.toArray(String[]::new));
  }
}
