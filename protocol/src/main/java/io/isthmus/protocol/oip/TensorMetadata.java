package io.isthmus.protocol.oip;

import java.util.Arrays;
import java.util.Objects;

/**
 * The protocol's {@code $metadata_tensor}: a model input or output as the model declares it.
 *
 * @param name the tensor's name
 * @param datatype its element type
 * @param shape its dimensions, -1 for a variable-size one
 */
public record TensorMetadata(String name, OipDatatype datatype, long[] shape) {
  /**
   * @throws IllegalArgumentException if a dimension is below -1; NullPointerException if null
   */
  public TensorMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    shape = Objects.requireNonNull(shape, "shape").clone();
    for (long dim : shape) {
      if (dim < -1) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " of '" + name + "' has a dimension below -1");
      }
    }
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TensorMetadata that
        && name.equals(that.name)
        && datatype == that.datatype
        && Arrays.equals(shape, that.shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, datatype, Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return "TensorMetadata[" + name + ", " + datatype + ", " + Arrays.toString(shape) + "]";
  }
}
