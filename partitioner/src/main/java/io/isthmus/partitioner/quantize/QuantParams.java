package io.isthmus.partitioner.quantize;

/**
 * The scale and zero point of a quantized tensor: one pair for the whole tensor ({@code axis} -1)
 * or one per slice along {@code axis}. A real value {@code r} is stored as {@code q = clamp(round(r
 * / scale) + zeroPoint)}.
 *
 * @param scales one scale, or one per channel
 * @param zeroPoints one zero point, or one per channel
 * @param axis the channel axis, -1 for per-tensor
 */
record QuantParams(float[] scales, int[] zeroPoints, int axis) {
  /** The int8 range of symmetric weights: -127..127, so that zero point 0 sits in the middle. */
  static final int WEIGHT_MAX = 127;

  /**
   * Symmetric int8 parameters for a weight of shape {@code dims}, per channel along {@code axis} or
   * per tensor when {@code axis} is -1.
   */
  static QuantParams symmetricWeights(float[] values, long[] dims, int axis) {
    int channels = axis < 0 ? 1 : (int) dims[axis];
    long stride = stride(dims, axis);
    float[] maxAbs = new float[channels];
    for (int i = 0; i < values.length; i++) {
      int c = axis < 0 ? 0 : (int) ((i / stride) % channels);
      maxAbs[c] = Math.max(maxAbs[c], Math.abs(values[i]));
    }
    float[] scales = new float[channels];
    for (int c = 0; c < channels; c++) {
      scales[c] = maxAbs[c] > 0 ? maxAbs[c] / WEIGHT_MAX : 1f;
    }
    return new QuantParams(scales, new int[channels], axis);
  }

  /**
   * Asymmetric activation parameters for the range [{@code min}, {@code max}] widened to hold 0, in
   * uint8 or (when {@code signed}) int8.
   */
  static QuantParams activation(double min, double max, boolean signed) {
    double lo = Math.min(min, 0);
    double hi = Math.max(max, 0);
    int qmin = signed ? -128 : 0;
    int qmax = signed ? 127 : 255;
    double scale = hi > lo ? (hi - lo) / (qmax - qmin) : 1;
    int zero = (int) Math.max(qmin, Math.min(qmax, Math.round(qmin - lo / scale)));
    return new QuantParams(new float[] {(float) scale}, new int[] {zero}, -1);
  }

  /** {@code values} quantized to int8 with these (symmetric) parameters, same layout. */
  byte[] quantizeInt8(float[] values, long[] dims) {
    long stride = stride(dims, axis);
    byte[] q = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      int c = axis < 0 ? 0 : (int) ((i / stride) % scales.length);
      long v = Math.round(values[i] / scales[c]) + zeroPoints[c];
      q[i] = (byte) Math.max(-WEIGHT_MAX, Math.min(WEIGHT_MAX, v));
    }
    return q;
  }

  /**
   * {@code values} quantized with these per-tensor activation parameters, as uint8 or int8 bytes.
   */
  byte[] quantizeActivation(float[] values, boolean signed) {
    int qmin = signed ? -128 : 0;
    int qmax = signed ? 127 : 255;
    byte[] q = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      long v = Math.round(values[i] / scales[0]) + zeroPoints[0];
      q[i] = (byte) Math.max(qmin, Math.min(qmax, v));
    }
    return q;
  }

  /** The number of elements between one index of {@code axis} and the next. */
  private static long stride(long[] dims, int axis) {
    long stride = 1;
    for (int d = axis + 1; axis >= 0 && d < dims.length; d++) {
      stride *= dims[d];
    }
    return stride;
  }

  /** The dims of the scale and zero-point tensors: a scalar, or a vector of channels. */
  long[] paramDims() {
    return axis < 0 ? new long[0] : new long[] {scales.length};
  }
}
