package io.isthmus.agent.sync;

/**
 * Why a desired version was not installed or did not stay active. {@link #code()} is the reason
 * reported in {@code reported.last_error} and the logs: a {@code ManifestException} reason code
 * ({@code unknown_key}, {@code hash_mismatch}, {@code platform_mismatch}, {@code size_mismatch},
 * ...) or one of the constants here.
 */
public final class SyncException extends Exception {
  /** The package could not be fetched within the configured attempts; retried later. */
  public static final String DOWNLOAD_FAILED = "download_failed";

  /** The fetched manifest does not hash to the sha256 the desired state names. */
  public static final String MANIFEST_MISMATCH = "manifest_mismatch";

  /** The verified model does not load, does not fit the pipeline, or its warm-up run fails. */
  public static final String LOAD_FAILED = "load_failed";

  /** The new version failed too many runs in its watch window and was rolled back. */
  public static final String ERROR_RATE = "error_rate";

  /** The new version's p99 run time crossed the bound in its watch window; rolled back. */
  public static final String LATENCY = "latency";

  /** Writing to the store or the state file failed (a full disk, permissions). */
  public static final String STORE_FAILED = "store_failed";

  private final String code;

  public SyncException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public SyncException(String code, String message) {
    this(code, message, null);
  }

  public String code() {
    return code;
  }

  /** Whether trying the same desired version again later may succeed (a network failure). */
  public boolean transientFailure() {
    return DOWNLOAD_FAILED.equals(code);
  }

  /** {@code code: message}, as reported. */
  public String reason() {
    return code + ": " + getMessage();
  }
}
