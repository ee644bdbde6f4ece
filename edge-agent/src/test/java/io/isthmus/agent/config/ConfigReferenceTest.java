package io.isthmus.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/configuration.md must be what {@link ConfigReference} generates from the readers today, and
 * every key must have a description. {@code -Disthmus.docs.write=true} rewrites the page.
 */
class ConfigReferenceTest {
  private static final Path PAGE = Path.of("..", "docs", "configuration.md");

  @TempDir Path base;

  @Test
  void theCommittedReferenceIsWhatTheReadersDefine() throws IOException {
    Files.writeString(base.resolve("labels.txt"), "a\nb\n");
    Files.writeString(base.resolve("token.txt"), "secret\n");
    ConfigReference reference = ConfigReference.collect(base);

    assertThat(reference.mismatches())
        .as("edge-agent/src/test/resources/config-reference/descriptions.tsv")
        .isEmpty();
    String generated = reference.markdown();
    if (Boolean.getBoolean("isthmus.docs.write")) {
      ConfigReference.write(PAGE, generated);
    }
    assertThat(Files.exists(PAGE)).as(PAGE + " exists").isTrue();
    assertThat(Files.readString(PAGE))
        .as(
            "docs/configuration.md is out of date: regenerate it with ./mvnw -pl edge-agent test"
                + " -Dmodels.skip -Dtest=ConfigReferenceTest -Disthmus.docs.write=true")
        .isEqualTo(generated);
  }

  @Test
  void theReferenceListsTheReadersDefaultsAndRanges() throws IOException {
    Files.writeString(base.resolve("labels.txt"), "a\n");
    Files.writeString(base.resolve("token.txt"), "t\n");
    ConfigReference reference = ConfigReference.collect(base);

    ConfigReference.Key qos = reference.keys.get("mqtt.qos");
    assertThat(qos.type).isEqualTo("integer");
    assertThat(qos.fallback).isEqualTo("1");
    assertThat(qos.allowed).isEqualTo("0 to 1");
    ConfigReference.Key session = reference.keys.get("mqtt.session");
    assertThat(session.fallback).isEqualTo("clean");
    assertThat(session.allowed).isEqualTo("clean | persistent");
    assertThat(reference.keys.get("mqtt.reconnect.max").fallback).isEqualTo("30s");
    assertThat(reference.keys.get("pipelines[].pre[].image.layout").allowed)
        .isEqualTo("NCHW | NHWC");
    assertThat(reference.keys.get("pipelines[].devices").type).isEqualTo("list of strings");
    assertThat(reference.keys.get("mqtt.passwordFile").type).isEqualTo("path");
    assertThat(reference.keys.get("pipelines[].name").fallback).isEqualTo("required");
  }
}
