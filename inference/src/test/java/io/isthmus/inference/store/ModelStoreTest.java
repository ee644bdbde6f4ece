package io.isthmus.inference.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelStoreTest {
  private static final byte[] MODEL = "pretend model bytes".getBytes(StandardCharsets.UTF_8);

  @TempDir Path root;

  @Test
  void putNamesTheFileByItsSha256() throws Exception {
    ModelStore store = ModelStore.open(root.resolve("models"));

    String digest = store.put(new ByteArrayInputStream(MODEL));

    assertThat(digest).isEqualTo(sha256(MODEL));
    assertThat(store.contains(digest)).isTrue();
    assertThat(store.path(digest)).isEqualTo(store.root().resolve(digest));
    assertThat(Files.readAllBytes(store.path(digest))).isEqualTo(MODEL);
    assertThat(store.read(digest)).isEqualTo(MODEL);
    assertThat(store.list()).containsExactly(digest);
    try (var files = Files.list(store.root())) {
      assertThat(files).hasSize(1); // no temporary file left behind
    }
  }

  @Test
  void putFromAPathAndTwiceIsIdempotent() throws Exception {
    ModelStore store = ModelStore.open(root);
    Path source = Files.write(root.resolve("incoming.onnx"), MODEL);

    String first = store.put(source);
    String second = store.put(new ByteArrayInputStream(MODEL));

    assertThat(second).isEqualTo(first);
    assertThat(store.list()).containsExactly(first); // incoming.onnx is not a model of the store
  }

  @Test
  void aFailedWriteLeavesNothingBehind() throws Exception {
    ModelStore store = ModelStore.open(root);
    InputStream failing =
        new InputStream() {
          private int n;

          @Override
          public int read() throws IOException {
            if (n++ > 10) {
              throw new IOException("network dropped");
            }
            return 'x';
          }
        };

    assertThatThrownBy(() -> store.put(failing)).hasMessage("network dropped");
    try (var files = Files.list(root)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aCorruptedFileIsRejectedWithBothDigests() throws Exception {
    ModelStore store = ModelStore.open(root);
    String digest = store.put(new ByteArrayInputStream(MODEL));
    byte[] flipped = MODEL.clone();
    flipped[3] ^= 1;
    Files.write(root.resolve(digest), flipped);

    assertThatThrownBy(() -> store.path(digest))
        .isInstanceOf(CorruptedModelException.class)
        .hasMessage(
            "Model file "
                + root.resolve(digest)
                + " is corrupted: its sha256 is "
                + sha256(flipped)
                + ", expected "
                + digest
                + "; delete it and fetch the model again");
    assertThatThrownBy(() -> store.read(digest)).isInstanceOf(CorruptedModelException.class);
    assertThat(store.pathUnverified(digest)).exists(); // on demand: no check
    assertThat(store.contains(digest)).isTrue();
  }

  @Test
  void deleteAndMissingModels() throws Exception {
    ModelStore store = ModelStore.open(root);
    String digest = store.put(new ByteArrayInputStream(MODEL));

    assertThat(store.delete(digest)).isTrue();
    assertThat(store.delete(digest)).isFalse();
    assertThat(store.contains(digest)).isFalse();
    assertThat(store.list()).isEmpty();
    assertThatThrownBy(() -> store.path(digest))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("No model " + digest);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "../etc/passwd",
        "/etc/passwd",
        "..",
        "",
        "abc",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeF",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde/",
        "../0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"
      })
  void digestsThatAreNotLowerCaseSha256HexNeverReachTheFileSystem(String digest) throws Exception {
    ModelStore store = ModelStore.open(root.resolve("store"));
    Files.write(root.resolve("passwd"), MODEL);

    for (var call :
        java.util.List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
            () -> store.path(digest),
            () -> store.pathUnverified(digest),
            () -> store.read(digest),
            () -> store.contains(digest),
            () -> store.delete(digest))) {
      assertThatThrownBy(call)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "Invalid model digest '" + digest + "': expected 64 lower-case hex digits (sha256)");
    }
    assertThat(root.resolve("passwd")).exists();
  }

  @Test
  void nullDigestIsRejected() throws Exception {
    ModelStore store = ModelStore.open(root);
    assertThatThrownBy(() -> store.contains(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'null'");
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
