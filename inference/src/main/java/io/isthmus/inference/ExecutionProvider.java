package io.isthmus.inference;

/** Where an engine runs a model's operators. Not every engine offers every provider. */
public enum ExecutionProvider {
  /** The engine's default CPU kernels; always available. */
  CPU,
  /** NVIDIA CUDA (ONNX Runtime with the onnxruntime_gpu jar and a CUDA device). */
  CUDA,
  /** NVIDIA TensorRT (ONNX Runtime GPU builds). */
  TENSOR_RT,
  /** XNNPACK's optimised CPU kernels (TFLite delegate, ONNX Runtime where the build has it). */
  XNNPACK,
  /** Intel oneDNN (ONNX Runtime builds with DNNL). */
  DNNL,
  /** Android NNAPI. */
  NNAPI,
  /**
   * A TFLite external delegate loaded from a configured shared library (an Edge TPU or another
   * NPU's delegate); see {@link ModelOptions#tfliteDelegate()}.
   */
  TFLITE_DELEGATE
}
