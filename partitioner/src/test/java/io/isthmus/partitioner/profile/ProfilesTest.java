package io.isthmus.partitioner.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilesTest {
  static Profile measured() {
    Map<String, NodeProfile> nodes = new LinkedHashMap<>();
    nodes.put("conv", new NodeProfile("Conv", 4.0, 4096, List.of(4096L), true));
    nodes.put("relu", new NodeProfile("Relu", 0.8, 4096, List.of(4096L), true));
    nodes.put("Constant_2", new NodeProfile("Constant", 0, 8, List.of(8L), false));
    return new Profile(
        "pi4",
        "m.onnx",
        "ab12",
        50,
        5,
        1,
        "basic",
        "median",
        null,
        null,
        nodes,
        Map.of("x", 400L),
        0.2,
        4.8);
  }

  @Test
  void derivedProfileDividesEveryTimeAndSaysWhereItComesFrom() {
    Profile cloud = Profiles.derive(measured(), 8, "cloud-gpu");

    assertThat(cloud.device()).isEqualTo("cloud-gpu");
    assertThat(cloud.derived()).isTrue();
    assertThat(cloud.derivedFrom()).isEqualTo("pi4");
    assertThat(cloud.speedFactor()).isEqualTo(8.0);
    assertThat(cloud.nodes().get("conv").ms()).isEqualTo(0.5);
    assertThat(cloud.nodes().get("relu").ms()).isEqualTo(0.1);
    assertThat(cloud.nodes().get("conv").outputBytes()).isEqualTo(4096);
    assertThat(cloud.totalMs()).isEqualTo(0.6);
    assertThat(cloud.unattributedMs()).isEqualTo(0.025);
    assertThat(cloud.modelSha256()).isEqualTo("ab12");
  }

  @Test
  void derivingNeedsAPositiveFactorAndAMeasuredProfile() {
    assertThatThrownBy(() -> Profiles.derive(measured(), 0, "x"))
        .hasMessageContaining("Speed factor must be a finite number > 0, got 0.0");
    Profile derived = Profiles.derive(measured(), 2, "x");
    assertThatThrownBy(() -> Profiles.derive(derived, 2, "y"))
        .hasMessageContaining("itself derived from pi4");
  }

  @Test
  void jsonRoundTripKeepsEveryField(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p/pi4.json");
    Profile derived = Profiles.derive(measured(), 4, "gpu");
    Profiles.write(derived, file);

    assertThat(Profiles.read(file)).isEqualTo(derived);
    String json = Files.readString(file);
    assertThat(json)
        .contains("\"device\" : \"gpu\"", "\"derivedFrom\" : \"pi4\"", "\"speedFactor\" : 4.0")
        .contains(
            "\"modelSha256\" : \"ab12\"", "\"graphOptimization\" : \"basic\"", "\"ms\" : 1.0");
  }

  @Test
  void fileThatIsNoProfileIsRejectedNamingIt(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("bad.json"), "{\"device\": \"pi4\"}");
    assertThatThrownBy(() -> Profiles.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.json is not a profile written by `partition profile`");
    assertThatThrownBy(() -> Profiles.read(dir.resolve("missing.json")))
        .hasMessageContaining("No profile file at");
  }
}
