package io.isthmus.inference;

/** Element type of a {@link Tensor}; sizes are in bytes, data is always little-endian. */
public enum DataType {
  FLOAT32(4),
  FLOAT16(2),
  BFLOAT16(2),
  FLOAT64(8),
  INT8(1),
  UINT8(1),
  INT16(2),
  INT32(4),
  INT64(8),
  /** One byte per element, 0 is false and anything else true. */
  BOOL(1);

  private final int byteSize;

  DataType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }
}
