package io.isthmus.agent.sync;

import io.isthmus.agent.sync.SyncState.Installed;
import io.isthmus.inference.store.ModelStore;
import io.isthmus.protocol.manifest.ModelPackage;
import io.isthmus.protocol.manifest.TrustedKeys;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.GatewayEventKind;
import io.isthmus.protocol.v1.ModelFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * Fetches a desired package into {@code staging/}, has it verified, and puts every file into the
 * content-addressed store under the digest its verified manifest names; the staging folder is
 * removed once the store holds everything. A crash in between leaves a resumable staging folder and
 * whole store files only.
 */
final class PackageInstaller {
  private final ModelStore store;
  private final PackageFetcher fetcher;
  private final TrustedKeys trusted;
  private final String platform;
  private final Path stagingRoot;

  PackageInstaller(
      ModelStore store,
      PackageFetcher fetcher,
      TrustedKeys trusted,
      String platform,
      Path stagingRoot) {
    this.store = store;
    this.fetcher = fetcher;
    this.trusted = trusted;
    this.platform = platform;
    this.stagingRoot = stagingRoot;
  }

  /**
   * Installs the package {@code want} names, reporting progress to {@code progress}.
   *
   * @throws SyncException as {@link PackageFetcher#fetch} does, or {@code store_failed}
   */
  Installed install(String key, DesiredModel want, BiConsumer<GatewayEventKind, String> progress)
      throws SyncException {
    progress.accept(
        GatewayEventKind.GATEWAY_EVENT_KIND_DOWNLOAD_STARTED,
        want.getModelName() + " " + want.getModelVersion() + " from " + want.getDownloadUrl());
    Path staging = stagingRoot.resolve(stagingName(want));
    PackageFetcher.Fetched fetched =
        fetcher.fetch(want.getDownloadUrl(), want.getSha256(), staging, trusted, platform);
    progress.accept(
        GatewayEventKind.GATEWAY_EVENT_KIND_VERIFIED,
        "signed by key " + fetched.pkg().envelope().getKeyId());
    try {
      List<String> digests = new ArrayList<>();
      digests.add(putVerified(staging.resolve(ModelPackage.MANIFEST_FILE), null));
      String modelPath = modelPath(fetched);
      String modelDigest = null;
      for (ModelFile file : fetched.manifest().getFilesList()) {
        String digest = putVerified(fetched.pkg().resolve(file), file.getSha256());
        digests.add(digest);
        if (file.getPath().equals(modelPath)) {
          modelDigest = digest;
        }
      }
      deleteTree(staging);
      Installed installed =
          new Installed(
              key,
              fetched.manifest().getName(),
              fetched.manifest().getVersion(),
              modelDigest,
              fetched.manifest().getFormat().name(),
              digests);
      progress.accept(GatewayEventKind.GATEWAY_EVENT_KIND_INSTALLED, installed.version());
      return installed;
    } catch (IOException e) {
      throw new SyncException(
          SyncException.STORE_FAILED, "installing into " + store.root() + " failed: " + e, e);
    }
  }

  /** The file the engine loads: the first {@code .onnx}/{@code .tflite} file, else the first. */
  private static String modelPath(PackageFetcher.Fetched fetched) {
    return fetched.manifest().getFilesList().stream()
        .map(ModelFile::getPath)
        .filter(p -> p.endsWith(".onnx") || p.endsWith(".tflite"))
        .findFirst()
        .orElse(fetched.manifest().getFiles(0).getPath());
  }

  private String putVerified(Path file, String sha256) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return store.put(in, sha256);
    }
  }

  private static String stagingName(DesiredModel want) {
    String id =
        want.getSha256().isEmpty()
            ? want.getModelName() + "-" + want.getModelVersion()
            : want.getSha256();
    return id.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
