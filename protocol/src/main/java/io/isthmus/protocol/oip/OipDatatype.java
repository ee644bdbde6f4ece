package io.isthmus.protocol.oip;

import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.v1.DataType;

/**
 * Tensor element types with their Open Inference Protocol names ({@code "FP32"}, ...). BF16 is not
 * in the base specification; Triton uses the name {@code "BF16"} and so do we.
 */
public enum OipDatatype {
  BOOL(1),
  UINT8(1),
  INT8(1),
  UINT16(2),
  INT16(2),
  UINT32(4),
  INT32(4),
  UINT64(8),
  INT64(8),
  FP16(2),
  BF16(2),
  FP32(4),
  FP64(8),
  /** Variable-length elements: each a 4-byte little-endian length, then that many bytes. */
  BYTES(-1);

  private final int byteSize;

  OipDatatype(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element, or -1 for {@link #BYTES}. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether elements have a fixed size (everything but {@link #BYTES}). */
  public boolean isFixedSize() {
    return byteSize > 0;
  }

  /** The protocol's datatype string, e.g. {@code "UINT32"}. */
  public String wireName() {
    return name();
  }

  /**
   * The datatype named {@code wireName} (case-sensitive, as the protocol says).
   *
   * @throws ProtocolException with {@link ProtocolException.Reason#UNKNOWN_DATATYPE} if unknown
   */
  public static OipDatatype fromWireName(String wireName) throws ProtocolException {
    return fromWireName(wireName, "datatype");
  }

  /**
   * As {@link #fromWireName(String)}, naming the field at {@code path} in the message.
   *
   * @throws ProtocolException with {@link ProtocolException.Reason#UNKNOWN_DATATYPE} if unknown
   */
  public static OipDatatype fromWireName(String wireName, String path) throws ProtocolException {
    for (OipDatatype type : values()) {
      if (type.name().equals(wireName)) {
        return type;
      }
    }
    throw new ProtocolException(
        ProtocolException.Reason.UNKNOWN_DATATYPE,
        "field '"
            + path
            + "' must be one of "
            + java.util.Arrays.toString(values())
            + ", got '"
            + wireName
            + "'");
  }

  /** The protobuf {@link DataType} with the same name. */
  public DataType toProto() {
    return DataType.valueOf(name());
  }

  /**
   * The datatype for a protobuf {@link DataType}.
   *
   * @throws ProtocolException with {@link ProtocolException.Reason#UNKNOWN_DATATYPE} for {@code
   *     DATA_TYPE_UNSPECIFIED} or an unrecognized value
   */
  public static OipDatatype fromProto(DataType dataType) throws ProtocolException {
    if (dataType == null
        || dataType == DataType.DATA_TYPE_UNSPECIFIED
        || dataType == DataType.UNRECOGNIZED) {
      throw new ProtocolException(
          ProtocolException.Reason.UNKNOWN_DATATYPE, "dtype " + dataType + " has no element type");
    }
    return valueOf(dataType.name());
  }
}
