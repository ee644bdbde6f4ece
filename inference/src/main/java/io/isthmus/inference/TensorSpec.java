package io.isthmus.inference;

import java.util.Arrays;
import java.util.Objects;

/**
 * Name, data type and shape of one model input or output. A dimension of {@value #DYNAMIC} is
 * dynamic: any size is accepted there.
 */
public final class TensorSpec {
  /** The value of a dynamic dimension in {@link #shape()}. */
  public static final long DYNAMIC = -1;

  private final String name;
  private final DataType dataType;
  private final long[] shape;

  public TensorSpec(String name, DataType dataType, long[] shape) {
    this.name = Objects.requireNonNull(name, "name");
    this.dataType = Objects.requireNonNull(dataType, "dataType");
    this.shape = Objects.requireNonNull(shape, "shape").clone();
    for (int i = 0; i < this.shape.length; i++) {
      if (this.shape[i] < DYNAMIC) {
        this.shape[i] = DYNAMIC; // engines spell "unknown" in several ways; we keep one
      }
    }
  }

  public String name() {
    return name;
  }

  public DataType dataType() {
    return dataType;
  }

  /** A copy of the shape, {@value #DYNAMIC} for dynamic dimensions. */
  public long[] shape() {
    return shape.clone();
  }

  /** Whether a tensor of {@code other} shape fits: same rank, and equal sizes where not dynamic. */
  public boolean acceptsShape(long[] other) {
    if (other.length != shape.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] != DYNAMIC && shape[i] != other[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec other
        && name.equals(other.name)
        && dataType == other.dataType
        && Arrays.equals(shape, other.shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dataType, Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return name + ":" + dataType + Arrays.toString(shape);
  }
}
