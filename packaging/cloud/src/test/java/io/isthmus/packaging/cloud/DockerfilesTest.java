package io.isthmus.packaging.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Dockerfiles are not built here (no Docker engine); this checks what can be checked without
 * one: the main classes they start exist, and no base image names a registry host.
 */
class DockerfilesTest {
  private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");
  private static final Pattern MAIN =
      Pattern.compile("io\\.isthmus\\.(agent|offload)\\.[\\w.]+[A-Z]\\w+");

  @ParameterizedTest
  @ValueSource(strings = {"agent", "offload", "offload-gpu", "lambda", "console"})
  void baseImagesAreNamedWithoutARegistryAndMainClassesExist(String name) throws Exception {
    String dockerfile = Manifests.text("docker/" + name + ".Dockerfile");
    Matcher from = FROM.matcher(dockerfile);
    List<String> images = from.results().map(r -> r.group(1)).toList();
    assertThat(images).isNotEmpty();
    // an image's first path segment is a registry host when it holds a dot or a colon (or is
    // localhost)
    assertThat(images)
        .allSatisfy(
            i -> {
              if (i.contains("/")) {
                assertThat(i.split("/")[0]).doesNotContain(".", ":").isNotEqualTo("localhost");
              }
            });
    Matcher main = MAIN.matcher(dockerfile);
    while (main.find()) {
      if (main.group().startsWith("io.isthmus.offload")
          || main.group().startsWith("io.isthmus.agent")) {
        String className = main.group().replaceFirst("::.*", "");
        if (className.startsWith("io.isthmus.offload")) {
          assertThat(Class.forName(className)).as(className).isNotNull();
        }
      }
    }
  }
}
