package io.isthmus.partitioner.runtime;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.graph.ElementTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Seeded random inputs for a model's graph inputs: floating-point values uniform in [0, 1),
 * integers 0 or 1 (valid as token ids, attention masks and segment ids), booleans fair coin flips.
 * Dimensions the model leaves open (a symbolic or missing size) take the given value, 1 for the
 * representative shape, unless {@link InputShapes} gives the input's whole shape.
 */
public final class SampleInputs {
  private SampleInputs() {}

  /**
   * One random value per input, shaped by {@code shapes} where it names the input.
   *
   * @throws IllegalArgumentException for an input that is no tensor or has an element type this
   *     generator cannot fill (string, float16): such inputs must be given as files
   */
  public static Map<String, TensorData> random(
      List<ValueInfoProto> inputs, InputShapes shapes, long seed, long openDimension) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, TensorData> values = new LinkedHashMap<>();
    for (ValueInfoProto input : inputs) {
      values.put(input.getName(), random(input, shapes.shape(input, openDimension), random));
    }
    return values;
  }

  /** The shape of {@code input} with open dimensions set to {@code openDimension}. */
  public static long[] shape(ValueInfoProto input, long openDimension) {
    TypeProto.Tensor type = input.getType().getTensorType();
    List<Dimension> dims = type.getShape().getDimList();
    long[] shape = new long[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      Dimension d = dims.get(i);
      shape[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : openDimension;
    }
    return shape;
  }

  private static TensorData random(ValueInfoProto input, long[] shape, SplittableRandom random) {
    if (!input.getType().hasTensorType()) {
      throw new IllegalArgumentException(
          "Input " + input.getName() + " is not a tensor; give its value as a file");
    }
    int elemType = input.getType().getTensorType().getElemType();
    int size = ElementTypes.size(elemType);
    long count = TensorData.elementCount(shape);
    ByteBuffer b =
        ByteBuffer.allocate((int) (count * Math.max(size, 0))).order(ByteOrder.LITTLE_ENDIAN);
    DataType type = Objects.requireNonNullElse(DataType.forNumber(elemType), DataType.UNDEFINED);
    for (long i = 0; i < count; i++) {
      switch (type) {
        case FLOAT -> b.putFloat((float) random.nextDouble());
        case DOUBLE -> b.putDouble(random.nextDouble());
        case INT64, UINT64 -> b.putLong(random.nextInt(2));
        case INT32, UINT32 -> b.putInt(random.nextInt(2));
        case INT16, UINT16 -> b.putShort((short) random.nextInt(2));
        case INT8, UINT8 -> b.put((byte) random.nextInt(2));
        case BOOL -> b.put((byte) random.nextInt(2));
        default ->
            throw new IllegalArgumentException(
                "Cannot make random values of type "
                    + ElementTypes.name(elemType)
                    + " for input "
                    + input.getName()
                    + "; give its value as a file");
      }
    }
    return new TensorData(elemType, shape, b.array());
  }
}
