package io.isthmus.inference.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class TestModelsTest {

  @Test
  void resolvesAnIdOfModelsTsvUnderTheModelsFolder() {
    Path path = TestModels.require("pp-ocr-cls");

    assertThat(path).hasFileName("pp-ocr-cls.onnx").isRegularFile();
    assertThat(path.getParent()).isEqualTo(Path.of(System.getProperty(TestModels.PROPERTY)));
  }

  @Test
  void anUnknownIdListsTheKnownOnes() {
    assertThatThrownBy(() -> TestModels.require("resnet"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Unknown model id resnet, expected one of [pp-ocr-cls,");
  }

  @Test
  void aMissingModelAbortsLocallyAndFailsOnCi(@TempDir Path empty) {
    String saved = System.getProperty(TestModels.PROPERTY);
    System.setProperty(TestModels.PROPERTY, empty.toString());
    try {
      Class<? extends Throwable> expected =
          "true".equalsIgnoreCase(System.getenv("CI"))
              ? AssertionFailedError.class
              : TestAbortedException.class;
      assertThatThrownBy(() -> TestModels.require("silero-vad-v5"))
          .isInstanceOf(expected)
          .hasMessageContaining(empty.resolve("silero-vad-v5.onnx").toString())
          .hasMessageContaining("./isthmus models fetch");
    } finally {
      System.setProperty(TestModels.PROPERTY, saved);
    }
  }
}
