package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;

/** The quantizer's small test models, for tests in other packages. */
public final class QuantizeTestModels {
  private QuantizeTestModels() {}

  /** See {@link QuantGraphs#matMulGemm()}. */
  public static ModelProto mlp() {
    return QuantGraphs.matMulGemm();
  }
}
