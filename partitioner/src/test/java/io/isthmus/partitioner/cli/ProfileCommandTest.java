package io.isthmus.partitioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.inference.testing.TestModels;
import io.isthmus.partitioner.profile.NodeProfile;
import io.isthmus.partitioner.profile.Profile;
import io.isthmus.partitioner.profile.Profiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileCommandTest {
  @TempDir Path dir;

  @Test
  void profilesAModelThenDerivesAFasterDevice() throws Exception {
    Path model = TestModels.require("blazeface-front-128");
    Path pi = dir.resolve("pi.json");
    CommandRun measured =
        CommandRun.of(
            new ProfileCommand(),
            model.toString(),
            "--device-name",
            "pi4",
            "--runs",
            "3",
            "--warmup",
            "1",
            "--out",
            pi.toString());

    assertThat(measured.exitCode()).as(measured.err()).isZero();
    assertThat(measured.out())
        .contains("Wrote " + pi, "blazeface-front-128.onnx on pi4", "median of 3 runs");
    Profile profile = Profiles.read(pi);
    assertThat(profile.device()).isEqualTo("pi4");
    assertThat(profile.runs()).isEqualTo(3);
    assertThat(profile.modelSha256()).isEqualTo(Profiles.sha256(model));

    Path gpu = dir.resolve("gpu.json");
    CommandRun derived =
        CommandRun.of(
            new ProfileCommand(),
            "--derive-from",
            pi.toString(),
            "--speed-factor",
            "8",
            "--device-name",
            "gpu",
            "--out",
            gpu.toString());

    assertThat(derived.exitCode()).as(derived.err()).isZero();
    Profile cloud = Profiles.read(gpu);
    assertThat(cloud.derivedFrom()).isEqualTo("pi4");
    assertThat(cloud.totalMs())
        .isCloseTo(profile.totalMs() / 8, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void controlFlowNodeIsTimedWithItsSubgraph() throws Exception {
    // Silero VAD is an If node over its whole network; its sample-rate input must be 16000.
    Path out = dir.resolve("silero.json");
    CommandRun run =
        CommandRun.of(
            new ProfileCommand(),
            TestModels.require("silero-vad-v5").toString(),
            "--device-name",
            "here",
            "--runs",
            "3",
            "--input-shape",
            "input=1x512",
            "--input-value",
            "sr=16000",
            "--out",
            out.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    Profile profile = Profiles.read(out);
    NodeProfile branch =
        profile.nodes().values().stream()
            .filter(n -> n.op().equals("If"))
            .findFirst()
            .orElseThrow();
    assertThat(branch.measured()).isTrue();
    // The subgraph's kernels run inside the If kernel: none is left over, none counted twice.
    assertThat(profile.unattributedMs()).isZero();
    assertThat(branch.ms()).isGreaterThan(profile.totalMs() / 2);
  }

  @Test
  void usageErrorsExitWithTwoAndSayWhatIsMissing() {
    CommandRun neither =
        CommandRun.of(new ProfileCommand(), "--device-name", "x", "--out", "p.json");
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err())
        .contains("Give either MODEL to measure, or --derive-from with --speed-factor");

    CommandRun lone =
        CommandRun.of(
            new ProfileCommand(),
            "--derive-from",
            "a.json",
            "--device-name",
            "x",
            "--out",
            "p.json");
    assertThat(lone.exitCode()).isEqualTo(2);
    assertThat(lone.err()).contains("--derive-from and --speed-factor go together");
  }

  @Test
  void fileThatIsNoModelFailsWithOne() throws Exception {
    Path text = Files.writeString(dir.resolve("m.onnx"), "hello");
    CommandRun run =
        CommandRun.of(
            new ProfileCommand(),
            text.toString(),
            "--device-name",
            "x",
            "--out",
            dir.resolve("p.json").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("error: ", "is no ONNX model");
    assertThat(dir.resolve("p.json")).doesNotExist();
  }
}
