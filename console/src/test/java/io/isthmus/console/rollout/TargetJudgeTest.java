package io.isthmus.console.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetJudgeTest {

  @Test
  void aRefusalNamesTheVersionAsAWordOfItsOwn() {
    assertThat(TargetJudge.refuses("hash_mismatch: model.onnx of vibration 3 has sha256 ab", "3"))
        .isTrue();
    assertThat(TargetJudge.refuses("platform_mismatch: Model vib 1.2.0 is built for [x]", "1.2.0"))
        .isTrue();
    // digits inside hashes, ports or other versions are not the version
    assertThat(TargetJudge.refuses("unknown_key: signed by key 3f09c1e2a7b4d5e6", "3")).isFalse();
    assertThat(TargetJudge.refuses("load_failed: vib 1.2.0 does not load", "1.2")).isFalse();
    assertThat(TargetJudge.refuses("load_failed: vib 13 does not load", "3")).isFalse();
    // a download that failed is retried by the agent: not a refusal
    assertThat(
            TargetJudge.refuses("download_failed: fetching vib 3 failed: connection refused", "3"))
        .isFalse();
  }
}
