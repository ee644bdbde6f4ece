package io.isthmus.inference.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import io.isthmus.inference.DataType;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Conversions between Isthmus tensors and ONNX Runtime's. */
final class OnnxTypes {
  private OnnxTypes() {}

  static List<TensorSpec> specs(Map<String, NodeInfo> nodes) throws InferenceException {
    List<TensorSpec> specs = new ArrayList<>();
    for (NodeInfo node : nodes.values()) {
      if (!(node.getInfo() instanceof TensorInfo info)) {
        throw new InferenceException(
            InferenceException.Code.MODEL_INVALID,
            "Model value " + node.getName() + " is " + node.getInfo() + ", not a tensor");
      }
      specs.add(new TensorSpec(node.getName(), dataType(node.getName(), info), info.getShape()));
    }
    return specs;
  }

  static DataType dataType(String name, TensorInfo info) throws InferenceException {
    return switch (info.onnxType) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DataType.FLOAT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DataType.FLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DataType.BFLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DataType.FLOAT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DataType.INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DataType.UINT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DataType.INT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DataType.INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DataType.INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DataType.BOOL;
      default ->
          throw new InferenceException(
              InferenceException.Code.UNSUPPORTED_OPERATOR,
              "Tensor " + name + " has element type " + info.onnxType + ", which Isthmus lacks");
    };
  }

  private static OnnxJavaType javaType(DataType type) {
    return switch (type) {
      case FLOAT32 -> OnnxJavaType.FLOAT;
      case FLOAT16 -> OnnxJavaType.FLOAT16;
      case BFLOAT16 -> OnnxJavaType.BFLOAT16;
      case FLOAT64 -> OnnxJavaType.DOUBLE;
      case INT8 -> OnnxJavaType.INT8;
      case UINT8 -> OnnxJavaType.UINT8;
      case INT16 -> OnnxJavaType.INT16;
      case INT32 -> OnnxJavaType.INT32;
      case INT64 -> OnnxJavaType.INT64;
      case BOOL -> OnnxJavaType.BOOL;
    };
  }

  /**
   * A tensor over {@code tensor}'s bytes. ORT uses a direct buffer in place, so only a heap buffer
   * costs a copy. Isthmus runs on little-endian hosts only (x86-64, aarch64), where native order is
   * the tensors' order.
   */
  static OnnxTensor toOnnx(OrtEnvironment env, Tensor tensor) throws OrtException {
    ByteBuffer data = tensor.data();
    if (!data.isDirect()) {
      ByteBuffer direct =
          ByteBuffer.allocateDirect(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
      data = direct.put(data).flip();
    }
    return OnnxTensor.createTensor(env, data, tensor.shape(), javaType(tensor.dataType()));
  }

  /** A heap copy of an ORT output. */
  static Tensor fromOnnx(String name, OnnxTensor value) throws InferenceException {
    TensorInfo info = value.getInfo();
    DataType type = dataType(name, info);
    // getByteBuffer() already returns a heap copy of the native bytes (little-endian on every host
    // Isthmus supports); wrapping it saves a second copy per output.
    return Tensor.ofBytes(type, info.getShape(), value.getByteBuffer());
  }
}
