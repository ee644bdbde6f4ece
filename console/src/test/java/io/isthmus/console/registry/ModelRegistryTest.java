package io.isthmus.console.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.console.store.Database;
import io.isthmus.console.store.TestDatabases;
import io.isthmus.protocol.manifest.ModelPackage;
import io.isthmus.protocol.manifest.TrustedKeys;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.ModelManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
  @TempDir Path dir;
  private Database db;
  private ModelRegistry registry;
  private ConsoleKeys keys;
  private ArtifactUrls urls;

  @BeforeEach
  void setUp() throws Exception {
    db = TestDatabases.open(TestDatabases.EMBEDDED);
    keys = ConsoleKeys.open(dir.resolve("keys"));
    urls = new ArtifactUrls("http://console:8090/", keys);
    registry =
        new ModelRegistry(
            db.dataSource(),
            new BlobStore(dir.resolve("blobs")),
            keys,
            urls,
            dir.resolve("scratch"),
            Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    TestDatabases.close(db);
  }

  @Test
  void uploadBecomesASignedPackageThatVerifiesFromTheBlobs() throws Exception {
    Path model = Files.write(dir.resolve("upload.bin"), new byte[] {1, 2, 3, 4});
    Path plan = Files.writeString(dir.resolve("plan.bin"), "{\"cut\":\"x\"}");
    Path head = Files.write(dir.resolve("head.bin"), new byte[] {5});
    Path tail = Files.write(dir.resolve("tail.bin"), new byte[] {6});
    ModelVersion v =
        registry.register(
            new ModelUpload(
                "ssd", "3", model, "ssd.onnx", List.of("linux-aarch64"), plan, head, tail),
            "alice");

    assertThat(v.files())
        .extracting(ModelVersion.PackageFile::path)
        .containsExactly(
            "manifest.json",
            "manifest.pb",
            "split/head.onnx",
            "split/plan.json",
            "split/tail.onnx",
            "ssd.onnx");
    assertThat(v.keyId()).isEqualTo(keys.signingKey().id().hex());
    assertThat(v.downloadUrl())
        .isEqualTo(urls.packageUrl(v.manifestSha256()))
        .startsWith("http://console:8090/artifacts/");

    // rebuild the package folder from the blobs, as a gateway's download would, and verify it
    Path pkg = dir.resolve("fetched");
    for (ModelVersion.PackageFile f : v.files()) {
      Path target = pkg.resolve(f.path());
      Files.createDirectories(target.getParent());
      Files.copy(registry.blobPath(f.sha256()), target);
    }
    Path pem = Files.writeString(dir.resolve("console.pem"), registry.publicKeyPem());
    ModelManifest manifest = ModelPackage.open(pkg).verify(TrustedKeys.load(pem), "linux-aarch64");
    assertThat(manifest.getName()).isEqualTo("ssd");
    assertThat(manifest.getPartitionPlan().getHeadPath()).isEqualTo("split/head.onnx");
    assertThat(
            java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(pkg.resolve("manifest.pb")))))
        .isEqualTo(v.manifestSha256());

    DesiredModel desired = registry.desiredModel("ssd", "3").orElseThrow();
    assertThat(desired.getSha256()).isEqualTo(v.manifestSha256());
    assertThat(registry.desiredModel("ssd", "4")).isEmpty();
    assertThat(registry.versions("ssd")).hasSize(1);
    assertThat(registry.packageFile(v.manifestSha256(), "ssd.onnx").orElseThrow().size())
        .isEqualTo(4);
  }

  @Test
  void badUploadsAreRefusedWithTheReason() throws Exception {
    Path model = Files.write(dir.resolve("upload.bin"), new byte[] {1});
    registry.register(
        new ModelUpload("vib", "1", model, "vib.onnx", null, null, null, null), "alice");
    assertThatThrownBy(
            () ->
                registry.register(
                    new ModelUpload("vib", "1", model, "vib.onnx", null, null, null, null), "a"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(409))
        .hasMessage("Model vib version 1 exists");
    assertThatThrownBy(
            () ->
                registry.register(
                    new ModelUpload("vib", "2", model, "vib.exe", null, null, null, null), "a"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("expected NAME.onnx or NAME.tflite");
    assertThatThrownBy(
            () ->
                registry.register(
                    new ModelUpload("../x", "2", model, "vib.onnx", null, null, null, null), "a"))
        .hasMessageContaining("name '../x' is not valid");
    assertThatThrownBy(
            () ->
                registry.register(
                    new ModelUpload("vib", "2", model, "vib.onnx", null, model, null, null), "a"))
        .hasMessage("a partition plan needs its head and tail models too");
    // the same bytes under another version share one blob
    ModelVersion two =
        registry.register(
            new ModelUpload("vib", "2", model, "vib.onnx", null, null, null, null), "a");
    ModelVersion one = registry.version("vib", "1").orElseThrow();
    assertThat(
            two.files().stream()
                .filter(f -> f.path().equals("vib.onnx"))
                .findFirst()
                .orElseThrow()
                .sha256())
        .isEqualTo(
            one.files().stream()
                .filter(f -> f.path().equals("vib.onnx"))
                .findFirst()
                .orElseThrow()
                .sha256());
    assertThat(two.manifestSha256()).isNotEqualTo(one.manifestSha256());
  }

  @Test
  void downloadUrlTokensGrantOnePackageOnly() {
    String sha = "a".repeat(64);
    String url = urls.packageUrl(sha);
    String token = url.split("/")[4];
    assertThat(urls.grants(token, sha)).isTrue();
    assertThat(urls.grants(token, "b".repeat(64))).isFalse();
    assertThat(urls.grants("0".repeat(32), sha)).isFalse();
  }
}
