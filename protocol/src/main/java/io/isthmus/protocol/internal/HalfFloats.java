package io.isthmus.protocol.internal;

/**
 * Conversions between float and the 16-bit formats IEEE binary16 (FP16) and bfloat16 (BF16),
 * rounding to nearest, ties to even. Java 17 has no {@code Float.floatToFloat16}.
 */
public final class HalfFloats {
  private HalfFloats() {}

  /** The float an FP16 bit pattern stands for (exact). */
  public static float fp16ToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** The nearest FP16 bit pattern (overflow gives infinity, NaN stays NaN). */
  public static short floatToFp16(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int magnitude = bits & 0x7fffffff;
    if (magnitude >= 0x7f800000) {
      int nan = magnitude > 0x7f800000 ? 0x200 | ((magnitude >>> 13) & 0x3ff) : 0;
      return (short) (sign | 0x7c00 | nan);
    }
    if (magnitude >= 0x477ff000) { // 65520 and above round to infinity
      return (short) (sign | 0x7c00);
    }
    if (magnitude < 0x38800000) { // below 2^-14: an FP16 subnormal (or zero)
      float scaled = Float.intBitsToFloat(magnitude) * 0x1p24f; // exact: a power-of-two scale
      return (short) (sign | (int) Math.rint(scaled));
    }
    int half = ((((magnitude >>> 23) - 112) << 10) | ((magnitude >>> 13) & 0x3ff));
    int rest = magnitude & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++; // a carry into the exponent is the correct result
    }
    return (short) (sign | half);
  }

  /** The float a BF16 bit pattern stands for (exact). */
  public static float bf16ToFloat(short bf16) {
    return Float.intBitsToFloat((bf16 & 0xffff) << 16);
  }

  /** The nearest BF16 bit pattern (NaN stays a quiet NaN). */
  public static short floatToBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      return (short) ((bits >>> 16) | 0x40);
    }
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }
}
