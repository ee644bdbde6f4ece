package io.isthmus.partitioner.verify;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.graph.ElementTypes;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.SampleInputs;
import io.isthmus.partitioner.runtime.TensorData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a model input's value from a file. A {@code .npy} file (NumPy format 1.0-3.0, C order,
 * little-endian) carries its own dtype and shape, which must match the input's element type and
 * fixed dimensions. Any other file is raw little-endian elements of the input's element type (for
 * example a {@code .f32} of float32 values), shaped as the input with open dimensions 1, or as
 * {@link InputShapes} gives it.
 */
public final class InputFiles {
  private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
  private static final Map<String, DataType> DTYPES =
      Map.ofEntries(
          Map.entry("f4", DataType.FLOAT),
          Map.entry("f8", DataType.DOUBLE),
          Map.entry("i8", DataType.INT64),
          Map.entry("i4", DataType.INT32),
          Map.entry("i2", DataType.INT16),
          Map.entry("i1", DataType.INT8),
          Map.entry("u8", DataType.UINT64),
          Map.entry("u4", DataType.UINT32),
          Map.entry("u2", DataType.UINT16),
          Map.entry("u1", DataType.UINT8),
          Map.entry("b1", DataType.BOOL));

  private InputFiles() {}

  /**
   * Reads {@code file} as the value of {@code input}; {@code shapes} shapes a raw file.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} when the file cannot be read or does not fit
   *     the input
   */
  public static TensorData read(ValueInfoProto input, Path file, InputShapes shapes)
      throws PartitionException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw bad(input, file, "cannot read it (" + e.getMessage() + ")");
    }
    int elemType = input.getType().getTensorType().getElemType();
    long[] expected = SampleInputs.shape(input, -1);
    if (bytes.length >= NPY_MAGIC.length
        && Arrays.equals(Arrays.copyOf(bytes, NPY_MAGIC.length), NPY_MAGIC)) {
      return npy(input, file, bytes, elemType, expected);
    }
    long[] shape = shapes.shape(input, 1);
    long size = TensorData.elementCount(shape) * ElementTypes.size(elemType);
    if (bytes.length != size) {
      throw bad(
          input,
          file,
          "a raw file must hold "
              + size
              + " bytes ("
              + ElementTypes.name(elemType)
              + " "
              + Arrays.toString(shape)
              + ", little-endian) but it has "
              + bytes.length
              + "; for other shapes give a .npy file");
    }
    return new TensorData(elemType, shape, bytes);
  }

  private static TensorData npy(
      ValueInfoProto input, Path file, byte[] bytes, int elemType, long[] expected)
      throws PartitionException {
    int major = bytes[6];
    int headerLength;
    int offset;
    if (major == 1) {
      headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
      offset = 10;
    } else {
      headerLength =
          (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8 | (bytes[10] & 0xff) << 16 | bytes[11] << 24;
      offset = 12;
    }
    String header = new String(bytes, offset, headerLength, StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header);
    Matcher fortran = FORTRAN.matcher(header);
    Matcher shapeText = SHAPE.matcher(header);
    if (!descr.find() || !fortran.find() || !shapeText.find()) {
      throw bad(input, file, "its .npy header is not understood: " + header.trim());
    }
    String dtype = descr.group(1);
    DataType type = DTYPES.get(dtype.substring(1));
    if (dtype.startsWith(">") || type == null || type.getNumber() != elemType) {
      throw bad(
          input,
          file,
          "its dtype is "
              + dtype
              + " but the input takes "
              + ElementTypes.name(elemType)
              + " (little-endian)");
    }
    if (fortran.group(1).equals("True")) {
      throw bad(input, file, "it is in Fortran order; save it in C order");
    }
    long[] shape =
        Arrays.stream(shapeText.group(1).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .mapToLong(Long::parseLong)
            .toArray();
    boolean fits = shape.length == expected.length;
    for (int i = 0; fits && i < shape.length; i++) {
      fits = expected[i] < 0 || expected[i] == shape[i];
    }
    if (!fits) {
      throw bad(
          input,
          file,
          "its shape "
              + Arrays.toString(shape)
              + " does not fit the input's "
              + Arrays.toString(expected)
              + " (-1 = any)");
    }
    int start = offset + headerLength;
    byte[] data = Arrays.copyOfRange(bytes, start, bytes.length);
    long size = TensorData.elementCount(shape) * ElementTypes.size(elemType);
    if (data.length != size) {
      throw bad(input, file, "it holds " + data.length + " data bytes, expected " + size);
    }
    return new TensorData(elemType, shape, data);
  }

  private static PartitionException bad(ValueInfoProto input, Path file, String why) {
    return new PartitionException(
        Code.BAD_INPUT, "Input file " + file + " for input " + input.getName() + ": " + why + ".");
  }
}
