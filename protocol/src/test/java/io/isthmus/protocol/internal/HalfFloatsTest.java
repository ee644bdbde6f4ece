package io.isthmus.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {
  @Test
  void knownFp16BitPatterns() {
    assertThat(HalfFloats.floatToFp16(1.0f)).isEqualTo((short) 0x3c00);
    assertThat(HalfFloats.floatToFp16(-2.0f)).isEqualTo((short) 0xc000);
    assertThat(HalfFloats.floatToFp16(65504f)).isEqualTo((short) 0x7bff);
    assertThat(HalfFloats.floatToFp16(0x1p-24f)).isEqualTo((short) 0x0001); // smallest subnormal
    assertThat(HalfFloats.floatToFp16(0x1p-14f)).isEqualTo((short) 0x0400); // smallest normal
    assertThat(HalfFloats.floatToFp16(65520f)).isEqualTo((short) 0x7c00); // rounds to infinity
    assertThat(HalfFloats.floatToFp16(-0.0f)).isEqualTo((short) 0x8000);
    assertThat(HalfFloats.floatToFp16(Float.NaN) & 0x7e00).isEqualTo(0x7e00);
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1.0).
    assertThat(HalfFloats.floatToFp16(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);
    assertThat(HalfFloats.floatToFp16(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3c02);
  }

  @Test
  void everyFiniteFp16RoundTripsThroughFloat() {
    for (int bits = 0; bits <= 0xffff; bits++) {
      float value = HalfFloats.fp16ToFloat((short) bits);
      if (Float.isNaN(value)) {
        continue;
      }
      assertThat(HalfFloats.floatToFp16(value) & 0xffff).as("bits %04x", bits).isEqualTo(bits);
    }
    assertThat(HalfFloats.fp16ToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
  }

  @Test
  void bf16KeepsTheUpperHalfOfAFloatRoundingToEven() {
    assertThat(HalfFloats.floatToBf16(1.0f)).isEqualTo((short) 0x3f80);
    assertThat(HalfFloats.bf16ToFloat((short) 0x4049)).isEqualTo(3.140625f);
    assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f808000))).isEqualTo((short) 0x3f80);
    assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f818000))).isEqualTo((short) 0x3f82);
    assertThat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x3f808001))).isEqualTo((short) 0x3f81);
  }
}
