package io.isthmus.partitioner.quantize;

/**
 * The range of values calibration chose for one activation tensor.
 *
 * @param min the low end
 * @param max the high end
 */
public record ActivationRange(double min, double max) {}
