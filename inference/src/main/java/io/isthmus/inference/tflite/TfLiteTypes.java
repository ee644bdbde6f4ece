package io.isthmus.inference.tflite;

import io.isthmus.inference.DataType;
import io.isthmus.inference.ModelSignature;
import io.isthmus.inference.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.lite.Interpreter;
import org.tensorflow.lite.Tensor;

/** Conversions between TFLite's tensor descriptions and Isthmus's. */
final class TfLiteTypes {
  private TfLiteTypes() {}

  static ModelSignature signature(Interpreter interpreter) {
    List<TensorSpec> inputs = new ArrayList<>();
    for (int i = 0; i < interpreter.getInputTensorCount(); i++) {
      inputs.add(spec(interpreter.getInputTensor(i)));
    }
    List<TensorSpec> outputs = new ArrayList<>();
    for (int i = 0; i < interpreter.getOutputTensorCount(); i++) {
      outputs.add(spec(interpreter.getOutputTensor(i)));
    }
    return new ModelSignature(inputs, outputs);
  }

  private static TensorSpec spec(Tensor tensor) {
    // shapeSignature() holds -1 for dynamic dimensions; shape() the current sizes
    return new TensorSpec(tensor.name(), dataType(tensor), longShape(tensor.shapeSignature()));
  }

  static DataType dataType(Tensor tensor) {
    return switch (tensor.dataType()) {
      case FLOAT32 -> DataType.FLOAT32;
      case INT32 -> DataType.INT32;
      case UINT8 -> DataType.UINT8;
      case INT64 -> DataType.INT64;
      case BOOL -> DataType.BOOL;
      case INT16 -> DataType.INT16;
      case INT8 -> DataType.INT8;
      case STRING ->
          throw new IllegalArgumentException(
              "Tensor " + tensor.name() + " holds strings, which Isthmus tensors do not carry");
    };
  }

  static long[] longShape(int[] shape) {
    long[] out = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = shape[i];
    }
    return out;
  }

  static int[] intShape(long[] shape) {
    int[] out = new int[shape.length];
    for (int i = 0; i < shape.length; i++) {
      out[i] = Math.toIntExact(shape[i]);
    }
    return out;
  }
}
