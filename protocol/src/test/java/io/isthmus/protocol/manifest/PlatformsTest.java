package io.isthmus.protocol.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlatformsTest {
  @Test
  void namesPlatformsAsUnameDoes() {
    assertThat(Platforms.of("Linux", "amd64")).isEqualTo("linux-x86_64");
    assertThat(Platforms.of("Linux", "aarch64")).isEqualTo("linux-aarch64");
    assertThat(Platforms.of("Linux", "arm")).isEqualTo("linux-armv7l");
    assertThat(Platforms.of("Mac OS X", "aarch64")).isEqualTo("macos-aarch64");
  }
}
