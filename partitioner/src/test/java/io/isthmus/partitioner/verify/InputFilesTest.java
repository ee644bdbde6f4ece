package io.isthmus.partitioner.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.TensorData;
import io.isthmus.partitioner.testing.TestGraphs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
  @TempDir Path dir;
  private final ValueInfoProto x = TestGraphs.input("x", DataType.FLOAT, -1, 2);

  @Test
  void readsANpyFileWithItsOwnShapeForTheOpenDimension() throws Exception {
    Path file = dir.resolve("x.npy");
    Files.write(file, npy("<f4", "(3, 2)", floats(1, 2, 3, 4, 5, 6)));

    TensorData value = InputFiles.read(x, file, InputShapes.NONE);

    assertThat(value.shape()).containsExactly(3, 2);
    assertThat(value.values()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void readsARawFileShapedByTheInputShapes() throws Exception {
    Path file = dir.resolve("x.f32");
    Files.write(file, floats(-1, 0.5f, 2, 8));

    TensorData value = InputFiles.read(x, file, InputShapes.parse(List.of("x=2,2")));

    assertThat(value.shape()).containsExactly(2, 2);
    assertThat(value.values()).containsExactly(-1, 0.5, 2, 8);
  }

  @Test
  void rejectsAnotherDtypeOrAShapeThatDoesNotFit() throws Exception {
    Path doubles = dir.resolve("d.npy");
    Files.write(doubles, npy("<f8", "(1, 2)", new byte[16]));
    Path wide = dir.resolve("w.npy");
    Files.write(wide, npy("<f4", "(1, 3)", new byte[12]));

    assertThatThrownBy(() -> InputFiles.read(x, doubles, InputShapes.NONE))
        .isInstanceOfSatisfying(
            PartitionException.class, e -> assertThat(e.code()).isEqualTo(Code.BAD_INPUT))
        .hasMessageContaining("dtype is <f8 but the input takes float32");
    assertThatThrownBy(() -> InputFiles.read(x, wide, InputShapes.NONE))
        .hasMessageContaining("shape [1, 3] does not fit the input's [-1, 2]");
  }

  private static byte[] floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  /** A NumPy 1.0 file; the header is padded so the data starts at a multiple of 64. */
  private static byte[] npy(String dtype, String shape, byte[] data) {
    String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
    header += " ".repeat((64 - (10 + header.length() + 1) % 64) % 64) + "\n";
    ByteBuffer b =
        ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    b.put(data);
    return b.array();
  }
}
