/**
 * The demo's vibration anomaly model, fitted on simulated healthy windows and written as ONNX:
 * {@link io.isthmus.sim.model.VibrationAnomalyModel}, and {@link
 * io.isthmus.sim.model.FitVibrationModel} for the build.
 */
package io.isthmus.sim.model;
