package io.isthmus.offload.core;

import io.isthmus.inference.DataType;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.TensorSpec;
import io.isthmus.protocol.oip.OipDatatype;
import io.isthmus.protocol.oip.OipTensor;
import io.isthmus.protocol.oip.TensorMetadata;
import java.util.Arrays;

/** Converts between the protocol's tensors and the inference engine's, checking type and shape. */
final class OipTensors {
  private OipTensors() {}

  /** The protocol datatype of an engine data type. */
  static OipDatatype datatype(DataType type) {
    return switch (type) {
      case FLOAT32 -> OipDatatype.FP32;
      case FLOAT16 -> OipDatatype.FP16;
      case BFLOAT16 -> OipDatatype.BF16;
      case FLOAT64 -> OipDatatype.FP64;
      case INT8 -> OipDatatype.INT8;
      case UINT8 -> OipDatatype.UINT8;
      case INT16 -> OipDatatype.INT16;
      case INT32 -> OipDatatype.INT32;
      case INT64 -> OipDatatype.INT64;
      case BOOL -> OipDatatype.BOOL;
    };
  }

  /** The protocol's view of a model input or output. */
  static TensorMetadata metadata(TensorSpec spec) {
    return new TensorMetadata(spec.name(), datatype(spec.dataType()), spec.shape());
  }

  /**
   * The engine tensor for request input {@code given}, which must match {@code spec}.
   *
   * @throws OffloadException 400 naming the input, for a wrong datatype or shape
   */
  static Tensor toEngine(OipTensor given, TensorSpec spec) throws OffloadException {
    OipDatatype expected = datatype(spec.dataType());
    if (given.datatype() != expected) {
      throw new OffloadException(
          400,
          "Input " + given.name() + " has datatype " + given.datatype() + ", expected " + expected);
    }
    if (!spec.acceptsShape(given.shape())) {
      throw new OffloadException(
          400,
          "Input "
              + given.name()
              + " has shape "
              + Arrays.toString(given.shape())
              + ", expected "
              + Arrays.toString(spec.shape())
              + " (-1 is any size)");
    }
    return Tensor.ofBytes(spec.dataType(), given.shape(), given.data());
  }

  /** The protocol tensor for engine output {@code tensor} (a view, no copy). */
  static OipTensor toOip(String name, Tensor tensor) {
    return OipTensor.of(name, datatype(tensor.dataType()), tensor.shape(), tensor.data());
  }
}
