package io.isthmus.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelSignatureTest {
  private final ModelSignature signature =
      new ModelSignature(
          List.of(
              new TensorSpec("a", DataType.FLOAT32, new long[] {-1, 3}),
              new TensorSpec("b", DataType.INT64, new long[] {})),
          List.of(new TensorSpec("y", DataType.FLOAT32, new long[] {-1})));

  private static final Tensor A = Tensor.ofFloats(new long[] {2, 3}, new float[6]);
  private static final Tensor B = Tensor.ofLongs(new long[] {}, 16000L);

  @Test
  void acceptsAnySizeInDynamicDimensions() {
    assertThatCode(() -> signature.validate(Map.of("a", A, "b", B))).doesNotThrowAnyException();
    assertThatCode(
            () ->
                signature.validate(
                    Map.of("a", Tensor.ofFloats(new long[] {5, 3}, new float[15]), "b", B)))
        .doesNotThrowAnyException();
    assertThat(signature.inputNames()).containsExactly("a", "b");
  }

  @Test
  void unknownInputNameListsTheExpectedNames() {
    assertThatThrownBy(() -> signature.validate(Map.of("a", A, "b", B, "x", B)))
        .isInstanceOf(InferenceException.class)
        .hasMessage("INVALID_INPUT: Unknown input name x, expected one of [a, b]")
        .extracting(e -> ((InferenceException) e).code())
        .isEqualTo(InferenceException.Code.INVALID_INPUT);
  }

  @Test
  void missingInputIsNamed() {
    assertThatThrownBy(() -> signature.validate(Map.of("a", A)))
        .hasMessage("INVALID_INPUT: Missing input b, expected all of [a, b]");
  }

  @Test
  void wrongDataTypeNamesExpectedAndGiven() {
    assertThatThrownBy(
            () -> signature.validate(Map.of("a", A, "b", Tensor.ofInts(new long[] {}, 1))))
        .hasMessage("INVALID_INPUT: Input b has data type INT32, expected INT64");
  }

  @Test
  void wrongShapeNamesExpectedAndGiven() {
    assertThatThrownBy(
            () ->
                signature.validate(
                    Map.of("a", Tensor.ofFloats(new long[] {2, 4}, new float[8]), "b", B)))
        .hasMessage("INVALID_INPUT: Input a has shape [2, 4], expected [-1, 3] (-1 is any size)");
    assertThatThrownBy(
            () -> signature.validate(Map.of("a", Tensor.ofFloats(new long[] {3}, 1, 2, 3), "b", B)))
        .hasMessage("INVALID_INPUT: Input a has shape [3], expected [-1, 3] (-1 is any size)");
  }
}
