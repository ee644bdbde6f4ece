package io.isthmus.protocol.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.isthmus.protocol.manifest.ManifestException.Reason;
import io.isthmus.protocol.v1.ModelFile;
import io.isthmus.protocol.v1.ModelFormat;
import io.isthmus.protocol.v1.ModelManifest;
import io.isthmus.protocol.v1.SignedManifest;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPackageTest {
  private static final String HERE = "linux-x86_64";

  @TempDir Path dir;
  private SigningKey key;
  private Path pkg;

  @BeforeEach
  void packAndSign() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.write(src.resolve("model.onnx"), bytes(4096, 7));
    Files.createDirectories(src.resolve("split"));
    Files.write(src.resolve("split/plan.json"), "{\"cut\":3}".getBytes());
    key = SigningKey.generate();
    pkg = dir.resolve("pkg");
    new PackageBuilder("vibration", "1.2.0")
        .addTree(src)
        .platform(HERE)
        .platform("linux-aarch64")
        .pack(pkg)
        .sign(key);
  }

  @Test
  void aSignedPackageVerifiesAndListsEveryFile() throws Exception {
    ModelManifest manifest =
        ModelPackage.open(pkg).verify(TrustedKeys.of(List.of(key.publicKey())), HERE);

    assertThat(manifest.getName()).isEqualTo("vibration");
    assertThat(manifest.getVersion()).isEqualTo("1.2.0");
    assertThat(manifest.getFormat()).isEqualTo(ModelFormat.ONNX);
    assertThat(manifest.getEnginesList()).containsExactly("onnxruntime");
    assertThat(manifest.getPlatformsList()).containsExactly(HERE, "linux-aarch64");
    assertThat(manifest.getFilesList())
        .extracting(ModelFile::getPath, ModelFile::getSize)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("model.onnx", 4096L),
            org.assertj.core.groups.Tuple.tuple("split/plan.json", 9L));
    assertThat(manifest.getFiles(0).getSha256())
        .isEqualTo(ModelPackage.sha256(pkg.resolve("model.onnx")));
    assertThat(Files.readString(pkg.resolve(ModelPackage.MANIFEST_JSON)))
        .contains("\"keyId\" : \"" + key.id() + "\"", "\"signed\" : true");
  }

  @Test
  void aTamperedFileByteIsRefused() throws Exception {
    try (RandomAccessFile file = new RandomAccessFile(pkg.resolve("model.onnx").toFile(), "rw")) {
      file.seek(1000);
      int b = file.read();
      file.seek(1000);
      file.write(b ^ 0x01);
    }
    assertRefused(Reason.HASH_MISMATCH, "model.onnx has sha256");
  }

  @Test
  void aTruncatedFileIsRefused() throws Exception {
    try (RandomAccessFile file = new RandomAccessFile(pkg.resolve("model.onnx").toFile(), "rw")) {
      file.setLength(4000);
    }
    assertRefused(Reason.SIZE_MISMATCH, "model.onnx has 4000 bytes, the manifest says 4096");
  }

  @Test
  void aMissingFileIsRefused() throws Exception {
    Files.delete(pkg.resolve("split/plan.json"));
    assertRefused(Reason.MISSING_FILE, "split/plan.json");
  }

  @Test
  void aTamperedManifestFieldIsRefused() throws Exception {
    SignedManifest signed = ModelPackage.open(pkg).envelope();
    ModelManifest altered =
        ModelManifest.parseFrom(signed.getManifest()).toBuilder().setVersion("1.2.1").build();
    rewrite(signed.toBuilder().setManifest(altered.toByteString()).build());

    assertRefused(Reason.BAD_SIGNATURE, "altered after signing");
  }

  @Test
  void aFlippedSignatureBitIsRefused() throws Exception {
    SignedManifest signed = ModelPackage.open(pkg).envelope();
    byte[] signature = signed.getSignature().toByteArray();
    signature[10] ^= 0x40;
    rewrite(signed.toBuilder().setSignature(ByteString.copyFrom(signature)).build());

    assertRefused(Reason.BAD_SIGNATURE, key.id().hex());
  }

  @Test
  void anUnknownKeyIsRefusedNamingItsId() throws Exception {
    SigningKey other = SigningKey.generate();
    TrustedKeys trusted = TrustedKeys.of(List.of(other.publicKey()));

    assertThatThrownBy(() -> ModelPackage.open(pkg).verify(trusted, HERE))
        .isInstanceOfSatisfying(
            ManifestException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY))
        .hasMessageContaining("signed by key " + key.id())
        .hasMessageContaining(other.id().hex());
  }

  @Test
  void anUnsignedPackageIsRefused() throws Exception {
    Path unsigned = dir.resolve("unsigned");
    new PackageBuilder("m", "1").addFile(pkg.resolve("model.onnx"), "model.onnx").pack(unsigned);

    assertThatThrownBy(() -> ModelPackage.open(unsigned).verify(trusted(key), HERE))
        .isInstanceOfSatisfying(
            ManifestException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSIGNED));
  }

  @Test
  void aPackageForAnotherPlatformIsRefused() throws Exception {
    assertThatThrownBy(() -> ModelPackage.open(pkg).verify(trusted(key), "linux-armv7l"))
        .isInstanceOfSatisfying(
            ManifestException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.PLATFORM_MISMATCH))
        .hasMessageContaining("not for this machine (linux-armv7l)");
  }

  @Test
  void rotationAcceptsOldAndNewKeysUntilTheOldIsRetired() throws Exception {
    SigningKey next = SigningKey.generate();
    Path trustDir = Files.createDirectories(dir.resolve("trusted"));
    Files.writeString(trustDir.resolve("old.pem"), Pem.publicKey(key.publicKey()));
    // step 1: gateways trust both keys; packages signed with the old one still verify
    Files.writeString(trustDir.resolve("new.pem"), Pem.publicKey(next.publicKey()));
    assertThat(TrustedKeys.load(trustDir).ids()).containsExactlyInAnyOrder(key.id(), next.id());
    assertThat(ModelPackage.open(pkg).verify(TrustedKeys.load(trustDir), HERE).getName())
        .isEqualTo("vibration");

    // step 2: the package is re-signed with the new key
    ModelPackage.open(pkg).sign(next);
    assertThat(ModelPackage.open(pkg).envelope().getKeyId()).isEqualTo(next.id().hex());
    assertThat(ModelPackage.open(pkg).verify(TrustedKeys.load(trustDir), HERE).getVersion())
        .isEqualTo("1.2.0");

    // step 3: the old key is retired; new signatures still verify, old ones no longer do
    Files.delete(trustDir.resolve("old.pem"));
    assertThat(ModelPackage.open(pkg).verify(TrustedKeys.load(trustDir), HERE).getVersion())
        .isEqualTo("1.2.0");
    ModelPackage.open(pkg).sign(key);
    assertThatThrownBy(() -> ModelPackage.open(pkg).verify(TrustedKeys.load(trustDir), HERE))
        .isInstanceOfSatisfying(
            ManifestException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
  }

  @Test
  void aSignedManifestNamingAPathOutsideThePackageIsRefused() throws Exception {
    ModelManifest escaping =
        ModelManifest.newBuilder()
            .setName("evil")
            .setVersion("1")
            .addPlatforms(Platforms.ANY)
            .addFiles(ModelFile.newBuilder().setPath("../outside").setSha256("00").setSize(1))
            .build();
    rewrite(ManifestSigner.sign(escaping, key));

    assertRefused(Reason.MALFORMED_MANIFEST, "'../outside'");
  }

  @Test
  void aFolderWithoutManifestIsNotAPackage() {
    assertThatThrownBy(() -> ModelPackage.open(dir.resolve("src")))
        .isInstanceOfSatisfying(
            ManifestException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PACKAGE));
  }

  @Test
  void editingTheJsonCopyChangesNothing() throws Exception {
    Files.writeString(pkg.resolve(ModelPackage.MANIFEST_JSON), "{\"version\":\"9.9\"}");
    assertThat(ModelPackage.open(pkg).verify(trusted(key), HERE).getVersion()).isEqualTo("1.2.0");
  }

  @Test
  void canonicalBytesAreStableAcrossSerializations() throws Exception {
    ModelManifest manifest = ModelPackage.open(pkg).verify(trusted(key), HERE);
    assertThat(ManifestSigner.canonicalBytes(ModelManifest.parseFrom(manifest.toByteArray())))
        .isEqualTo(ModelPackage.open(pkg).envelope().getManifest().toByteArray());
  }

  private void assertRefused(Reason reason, String message) {
    ThrowingCallable verify = () -> ModelPackage.open(pkg).verify(trusted(key), HERE);
    assertThatThrownBy(verify)
        .isInstanceOfSatisfying(
            ManifestException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageStartingWith(reason.code() + ": ")
        .hasMessageContaining(message);
  }

  private void rewrite(SignedManifest envelope) throws Exception {
    Files.write(pkg.resolve(ModelPackage.MANIFEST_FILE), envelope.toByteArray());
  }

  private static TrustedKeys trusted(SigningKey key) {
    return TrustedKeys.of(List.of(key.publicKey()));
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }
}
