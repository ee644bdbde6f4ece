/**
 * Post-training int8 quantization of ONNX models in the QDQ format.
 *
 * <p>{@link io.isthmus.partitioner.quantize.Quantizer} rewrites a float model: weights of Conv,
 * MatMul, Gemm and Gather nodes become int8 initializers behind DequantizeLinear nodes, and in
 * static mode the activations around those nodes get QuantizeLinear/DequantizeLinear pairs whose
 * scales come from a calibration run ({@link io.isthmus.partitioner.quantize.Calibrator}). ONNX
 * Runtime fuses such pairs into integer kernels; static mode places them so that it can (the ops
 * between the weighted ones join the int8 region, see {@code FusionPlacement}). Dynamic mode
 * quantizes weights only and, where the operator set allows, turns MatMul and Gemm into
 * DynamicQuantizeLinear + MatMulInteger as ONNX Runtime's own dynamic quantizer does. {@link
 * io.isthmus.partitioner.quantize.QuantizationReport} compares the result with the float model
 * (size, latency, agreement, per-node sensitivity).
 */
package io.isthmus.partitioner.quantize;
