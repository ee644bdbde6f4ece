package io.isthmus.packaging.deb;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.config.AgentConfig;
import io.isthmus.agent.config.AgentConfigReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads the built {@code .deb} back and checks what the package promises, without installing it.
 */
class DebPackageIT {
  static DebArchive deb;

  @BeforeAll
  static void read() throws IOException {
    deb = DebArchive.read(DebArchive.newest(Path.of(System.getProperty("isthmus.deb.dir"))));
  }

  @Test
  void controlNamesAnArchitectureFreePackageOnAJava17Runtime() {
    Map<String, String> fields = deb.fields();
    assertThat(fields.get("Package")).isEqualTo("isthmus-agent");
    assertThat(fields.get("Architecture")).isEqualTo("all");
    // a snapshot's version carries its build time, so that each build upgrades the one before
    assertThat(fields.get("Version")).matches("\\d+\\.\\d+\\.\\d+(~\\d{14})?");
    assertThat(fields.get("Depends"))
        .startsWith("adduser, openjdk-17-jre-headless | ")
        .endsWith("| java17-runtime-headless");
    assertThat(deb.control.get("/conffiles").text().lines())
        .containsExactlyInAnyOrder("/etc/isthmus/agent.yaml", "/etc/default/isthmus-agent");
    assertThat(deb.control.get("/postinst").text())
        .contains("adduser --system --group")
        .contains("deb-systemd-helper enable 'isthmus-agent.service'");
    assertThat(deb.control.get("/postrm").text())
        .contains("purge)")
        .contains("rm -rf /var/lib/isthmus");
    assertThat(deb.control.get("/postinst").mode()).isEqualTo(0755);
  }

  @Test
  void theAgentAndItsLinuxNativesAreInsideAndNoOtherPlatformsNatives() {
    String lib = "/usr/share/isthmus-agent/lib/";
    assertThat(deb.data.keySet())
        .anyMatch(p -> p.matches(lib + "isthmus-edge-agent-[^/]+\\.jar"))
        .anyMatch(p -> p.matches(lib + "isthmus-inference-[^/]+\\.jar"))
        .anyMatch(p -> p.matches(lib + "vertx-core-[^/]+\\.jar"))
        .noneMatch(p -> p.matches(lib + "onnxruntime-[^/]+\\.jar"));
    String ort = lib + "onnxruntime/ai/onnxruntime/";
    assertThat(deb.data)
        .containsKeys(
            ort + "OrtEnvironment.class",
            ort + "native/linux-x64/libonnxruntime.so",
            ort + "native/linux-aarch64/libonnxruntime.so");
    assertThat(deb.data.keySet())
        .noneMatch(p -> p.contains("/native/win-") || p.contains("/native/osx-"));
    assertThat(deb.data.get("/usr/bin/isthmus-agent").mode()).isEqualTo(0755);
    // every folder must be traversable by the service user
    assertThat(deb.directories)
        .isNotEmpty()
        .allSatisfy((dir, mode) -> assertThat(mode).as(dir).isEqualTo(0755));
    assertThat(deb.data.get("/usr/bin/isthmus-agent").text())
        .contains("-cp \"$lib/*:$lib/onnxruntime\" io.isthmus.agent.AgentMain");
  }

  @Test
  void theUnitIsHardenedAndOnlyTheDataFolderIsWritable() {
    Map<String, String> unit = new HashMap<>();
    deb.data
        .get("/lib/systemd/system/isthmus-agent.service")
        .text()
        .lines()
        .filter(l -> l.contains("=") && !l.startsWith("#"))
        .forEach(l -> unit.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
    assertThat(unit)
        .containsEntry("User", "isthmus")
        .containsEntry("ExecStart", "/usr/bin/isthmus-agent --config /etc/isthmus/agent.yaml")
        .containsEntry("Restart", "on-failure")
        .containsEntry("RestartPreventExitStatus", "2")
        .containsEntry("NoNewPrivileges", "yes")
        .containsEntry("ProtectSystem", "strict")
        .containsEntry("ReadWritePaths", "/var/lib/isthmus")
        .containsEntry("PrivateTmp", "yes")
        .containsEntry("ProtectHome", "yes")
        .containsEntry("CapabilityBoundingSet", "")
        .containsEntry("MemoryMax", "384M")
        .containsEntry("WantedBy", "multi-user.target")
        .doesNotContainKey("MemoryDenyWriteExecute");
  }

  @Test
  void theShippedConfigurationIsValidAndPointsAtTheShippedModel() {
    DebArchive.Entry yaml = deb.data.get("/etc/isthmus/agent.yaml");
    assertThat(yaml.mode()).isEqualTo(0640);
    AgentConfig config = AgentConfigReader.parse(yaml.text(), Path.of("/etc/isthmus"));
    assertThat(config.mqtt().uri()).contains("tcp://127.0.0.1:1883");
    assertThat(config.broker().enabled()).isFalse();
    assertThat(config.sync()).isEmpty();
    assertThat(config.outbox().orElseThrow().dir()).isEqualTo(Path.of("/var/lib/isthmus/outbox"));
    assertThat(config.pipelines()).hasSize(1);
    Path model = config.pipelines().get(0).model().path();
    assertThat(deb.data).containsKey(model.toString());
    assertThat(deb.data.get(model.toString()).size()).isGreaterThan(100_000);
  }
}
