package io.isthmus.offload.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelSourceTest {
  private static final String SHA = "ab".repeat(32);

  @Test
  void aPathWithoutVersionIsVersionOne() {
    ModelSource source = ModelSource.parse("cls=models/pp-ocr-cls.onnx");

    assertThat(source)
        .isEqualTo(new ModelSource("cls", "1", "models/pp-ocr-cls.onnx", Optional.empty()));
    assertThat(source.isRemote()).isFalse();
  }

  @Test
  void aUrlWithVersionAndDigest() {
    ModelSource source =
        ModelSource.parse("tail@7=https://registry.example/m/tail.onnx#sha256=" + SHA);

    assertThat(source.name()).isEqualTo("tail");
    assertThat(source.version()).isEqualTo("7");
    assertThat(source.location()).isEqualTo("https://registry.example/m/tail.onnx");
    assertThat(source.sha256()).contains(SHA);
    assertThat(source.isRemote()).isTrue();
  }

  @Test
  void aUrlWithoutDigestIsRefused() {
    assertThatThrownBy(() -> ModelSource.parse("m=http://host/m.onnx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("#sha256=");
  }

  @Test
  void badFormsNameWhatIsExpected() {
    assertThatThrownBy(() -> ModelSource.parse("no-equals-sign"))
        .hasMessageContaining("expected NAME[@VERSION]=PATH|URL[#sha256=HEX]");
    assertThatThrownBy(() -> ModelSource.parse("a b=x.onnx"))
        .hasMessageContaining("model name 'a b'");
    assertThatThrownBy(() -> ModelSource.parse("m=x.onnx#sha256=xyz"))
        .hasMessageContaining("Invalid model digest 'xyz'");
  }

  @Test
  void numericVersionsOrderAsNumbers() {
    assertThat(ModelRepository.compareVersions("10", "9")).isPositive();
    assertThat(ModelRepository.compareVersions("2", "2")).isZero();
    assertThat(ModelRepository.compareVersions("beta", "alpha")).isPositive();
  }
}
