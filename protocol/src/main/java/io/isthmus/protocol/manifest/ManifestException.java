package io.isthmus.protocol.manifest;

import java.util.Objects;

/**
 * Why a model package was refused: every instance carries a {@link Reason} whose {@link
 * Reason#code() code} is stable enough to put in a gateway's {@code reported} state and in metrics,
 * and a message naming the file, key or field and what to do about it.
 */
public final class ManifestException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the package, one value per check a gateway runs before loading. */
  public enum Reason {
    /** The package folder or its manifest.pb is missing or not a SignedManifest. */
    MALFORMED_PACKAGE("malformed_package"),
    /** The signed bytes are not a valid ModelManifest, or a file path in it is unsafe. */
    MALFORMED_MANIFEST("malformed_manifest"),
    /** The manifest carries no signature at all. */
    UNSIGNED("unsigned"),
    /** The signature names a key that is not among the trusted keys. */
    UNKNOWN_KEY("unknown_key"),
    /** The signature does not verify with the named key: the manifest was altered. */
    BAD_SIGNATURE("bad_signature"),
    /** The manifest lists no platform this machine is. */
    PLATFORM_MISMATCH("platform_mismatch"),
    /** A file the manifest lists is absent from the package. */
    MISSING_FILE("missing_file"),
    /** A file has another size than the manifest says, e.g. a truncated download. */
    SIZE_MISMATCH("size_mismatch"),
    /** A file's bytes do not hash to the manifest's sha256: the file was altered. */
    HASH_MISMATCH("hash_mismatch"),
    /** A key file is not a PEM Ed25519 key of the expected kind. */
    BAD_KEY("bad_key");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** Lower-case, underscore-separated code, e.g. {@code unknown_key}. */
    public String code() {
      return code;
    }
  }

  private final Reason reason;

  /** An exception with no underlying cause. */
  public ManifestException(Reason reason, String message) {
    this(reason, message, null);
  }

  /** An exception caused by {@code cause} (may be null). */
  public ManifestException(Reason reason, String message, Throwable cause) {
    super(Objects.requireNonNull(reason, "reason").code() + ": " + message, cause);
    this.reason = reason;
  }

  /** What was wrong. */
  public Reason reason() {
    return reason;
  }
}
