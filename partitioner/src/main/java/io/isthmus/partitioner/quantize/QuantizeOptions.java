package io.isthmus.partitioner.quantize;

import java.util.Objects;
import java.util.Set;

/**
 * How to quantize a model. Immutable; {@link #defaults()} gives dynamic mode, per-tensor weights,
 * uint8 activations and min-max calibration.
 *
 * @param mode dynamic (weights only) or static (weights and calibrated activations)
 * @param perChannel one weight scale per output channel of Conv, MatMul and Gemm weights
 * @param signedActivations int8 instead of uint8 activations (static mode)
 * @param calibration how activation ranges are taken from the calibration outputs
 * @param percentile the percentile kept by {@link CalibrationMethod#PERCENTILE}, in (50, 100]
 * @param dynamicForm how dynamic mode runs MatMul and Gemm
 * @param exclude op types or node ids (names) left in float
 */
public record QuantizeOptions(
    Mode mode,
    boolean perChannel,
    boolean signedActivations,
    CalibrationMethod calibration,
    double percentile,
    DynamicForm dynamicForm,
    Set<String> exclude) {

  /** Dynamic (weights only) or static (weights and activations). */
  public enum Mode {
    DYNAMIC,
    STATIC
  }

  /** How a calibration range is taken from the observed values. */
  public enum CalibrationMethod {
    /** The smallest and largest value seen. */
    MIN_MAX,
    /** The values at {@code 100 - p} and {@code p} percent, clipping rare outliers. */
    PERCENTILE
  }

  /** How dynamic mode rewrites MatMul and Gemm with a constant weight. */
  public enum DynamicForm {
    /** DynamicQuantizeLinear + MatMulInteger (ONNX Runtime fuses it into one integer kernel). */
    INTEGER,
    /** int8 weight behind a DequantizeLinear; the product stays in float. */
    QDQ
  }

  /** The default percentile, as ONNX Runtime's calibrator uses. */
  public static final double DEFAULT_PERCENTILE = 99.999;

  /**
   * @throws IllegalArgumentException for a percentile outside (50, 100]
   */
  public QuantizeOptions {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(calibration, "calibration");
    Objects.requireNonNull(dynamicForm, "dynamicForm");
    exclude = Set.copyOf(exclude);
    if (!(percentile > 50 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (50, 100], got " + percentile);
    }
  }

  /** Dynamic mode, per-tensor, uint8 activations, min-max, integer MatMul, nothing excluded. */
  public static QuantizeOptions defaults() {
    return new QuantizeOptions(
        Mode.DYNAMIC,
        false,
        false,
        CalibrationMethod.MIN_MAX,
        DEFAULT_PERCENTILE,
        DynamicForm.INTEGER,
        Set.of());
  }

  /** These options in {@code mode}. */
  public QuantizeOptions withMode(Mode mode) {
    return new QuantizeOptions(
        mode, perChannel, signedActivations, calibration, percentile, dynamicForm, exclude);
  }

  /** These options with per-channel weights on or off. */
  public QuantizeOptions withPerChannel(boolean perChannel) {
    return new QuantizeOptions(
        mode, perChannel, signedActivations, calibration, percentile, dynamicForm, exclude);
  }

  /** These options with {@code exclude} left in float. */
  public QuantizeOptions withExclude(Set<String> exclude) {
    return new QuantizeOptions(
        mode, perChannel, signedActivations, calibration, percentile, dynamicForm, exclude);
  }
}
