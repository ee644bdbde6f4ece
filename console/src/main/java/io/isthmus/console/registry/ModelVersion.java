package io.isthmus.console.registry;

import java.time.Instant;
import java.util.List;

/**
 * A registered, signed model version.
 *
 * @param manifestSha256 sha256 of the package's {@code manifest.pb}: what desired states pin
 * @param downloadUrl the package folder URL gateways fetch
 * @param files the package's files, {@code manifest.pb} and {@code manifest.json} included
 */
public record ModelVersion(
    String modelName,
    String version,
    String format,
    String manifestSha256,
    String keyId,
    List<String> platforms,
    long totalBytes,
    Instant createdAt,
    String createdBy,
    String downloadUrl,
    List<PackageFile> files) {

  /** One file of a package, stored in the blob store under its sha256. */
  public record PackageFile(String path, String sha256, long size) {}
}
