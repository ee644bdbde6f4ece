package io.isthmus.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

class TensorTest {

  @Test
  void floatsRoundTripAsLittleEndianBytes() {
    Tensor t = Tensor.ofFloats(new long[] {2, 2}, 1f, -2f, 3.5f, 0f);

    assertThat(t.dataType()).isEqualTo(DataType.FLOAT32);
    assertThat(t.shape()).containsExactly(2, 2);
    assertThat(t.elementCount()).isEqualTo(4);
    assertThat(t.toFloatArray()).containsExactly(1f, -2f, 3.5f, 0f);
    // 1.0f is 0x3f800000: little-endian puts 0x3f last
    assertThat(t.toByteArray()).startsWith((byte) 0, (byte) 0, (byte) 0x80, (byte) 0x3f);
  }

  @Test
  void shapeAndDataAreDefensiveCopies() {
    long[] shape = {3};
    float[] data = {1, 2, 3};
    Tensor t = Tensor.ofFloats(shape, data);
    shape[0] = 7;
    data[0] = 9;
    t.shape()[0] = 8;

    assertThat(t.shape()).containsExactly(3);
    assertThat(t.toFloatArray()).containsExactly(1f, 2f, 3f);
    assertThat(t.data().isReadOnly()).isTrue();
    assertThatThrownBy(() -> t.data().put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
  }

  @Test
  void ofBytesWrapsWithoutCopying() {
    ByteBuffer buffer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 42L);
    Tensor t = Tensor.ofBytes(DataType.INT64, new long[] {}, buffer);

    assertThat(t.shape()).isEmpty();
    assertThat(t.toLongArray()).containsExactly(42L);
    buffer.putLong(0, 43L); // documented: the caller must not do this; shows there is no copy
    assertThat(t.toLongArray()).containsExactly(43L);
  }

  @Test
  void elementCountMismatchNamesShapeAndCount() {
    assertThatThrownBy(() -> Tensor.ofFloats(new long[] {1, 3}, 1f, 2f, 3f, 4f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Shape [1, 3] has 3 elements but 4 FLOAT32 values were given");
    assertThatThrownBy(() -> Tensor.ofBytes(DataType.INT32, new long[] {2}, ByteBuffer.allocate(7)))
        .hasMessage("Shape [2] of INT32 needs 8 bytes (2 elements) but the buffer has 7 bytes");
    assertThatThrownBy(() -> Tensor.ofLongs(new long[] {-1}, 1L))
        .hasMessage("Shape [-1] has a negative dimension -1");
  }

  @Test
  void typedAccessorRejectsOtherTypes() {
    Tensor t = Tensor.ofInts(new long[] {2}, 5, 6);

    assertThat(t.toIntArray()).containsExactly(5, 6);
    assertThatThrownBy(t::toFloatArray)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Tensor is INT32, not FLOAT32");
  }

  @Test
  void equalityIsBitIdentity() {
    assertThat(Tensor.ofFloats(new long[] {2}, 1f, 2f))
        .isEqualTo(Tensor.ofFloats(new long[] {2}, 1f, 2f))
        .hasSameHashCodeAs(Tensor.ofFloats(new long[] {2}, 1f, 2f))
        .isNotEqualTo(Tensor.ofFloats(new long[] {1, 2}, 1f, 2f))
        .isNotEqualTo(Tensor.ofFloats(new long[] {2}, 1f, Math.nextUp(2f)));
  }
}
