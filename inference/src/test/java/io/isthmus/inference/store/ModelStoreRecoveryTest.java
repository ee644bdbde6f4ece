package io.isthmus.inference.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreRecoveryTest {
  @TempDir Path root;

  @Test
  void openDeletesTempFilesOfDeadWritersOnly() throws Exception {
    Path abandoned = Files.write(root.resolve(".incoming-123.tmp"), new byte[100]);
    Path inUse = Files.write(root.resolve(".incoming-456.tmp"), new byte[100]);
    Path unrelated = Files.write(root.resolve("notes.txt"), new byte[1]);

    try (FileChannel writer = FileChannel.open(inUse, StandardOpenOption.WRITE);
        FileLock writing = writer.lock()) {
      ModelStore.open(root);

      assertThat(abandoned).doesNotExist();
      assertThat(inUse).exists();
      assertThat(unrelated).exists();
    }
  }

  @Test
  void verifyAllReportsTruncatedAndAlteredFilesAndNothingElse() throws Exception {
    ModelStore store = ModelStore.open(root);
    String intact = store.put(new ByteArrayInputStream(bytes(5000, 1)));
    String truncated = store.put(new ByteArrayInputStream(bytes(5000, 2)));
    String altered = store.put(new ByteArrayInputStream(bytes(5000, 3)));
    try (RandomAccessFile file =
        new RandomAccessFile(store.root().resolve(truncated).toFile(), "rw")) {
      file.setLength(4096);
    }
    try (RandomAccessFile file =
        new RandomAccessFile(store.root().resolve(altered).toFile(), "rw")) {
      file.seek(2500);
      file.write(0xff);
    }

    List<CorruptedModelException> corrupted = ModelStore.open(root).verifyAll();

    assertThat(corrupted)
        .extracting(CorruptedModelException::expected)
        .containsExactlyInAnyOrder(truncated, altered)
        .doesNotContain(intact);
    assertThat(corrupted).allSatisfy(e -> assertThat(e.actual()).isNotEqualTo(e.expected()));
    assertThatThrownBy(() -> store.path(truncated)).isInstanceOf(CorruptedModelException.class);
    assertThat(store.read(intact)).isEqualTo(bytes(5000, 1));
  }

  @Test
  void bytesThatDoNotMatchTheExpectedDigestNeverEnterTheStore() throws Exception {
    ModelStore store = ModelStore.open(root);
    String expected = store.put(new ByteArrayInputStream(bytes(100, 1)));
    store.delete(expected);

    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(bytes(99, 1)), expected))
        .isInstanceOf(CorruptedModelException.class)
        .hasMessageContaining("expected " + expected)
        .hasMessageContaining("nothing was stored");
    try (var files = Files.list(root)) {
      assertThat(files).isEmpty();
    }
    assertThat(store.put(new ByteArrayInputStream(bytes(100, 1)), expected)).isEqualTo(expected);
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7 + seed * 13);
    }
    return b;
  }
}
