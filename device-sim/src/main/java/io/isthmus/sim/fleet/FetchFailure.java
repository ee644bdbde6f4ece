package io.isthmus.sim.fleet;

/**
 * Why a simulated gateway did not install a desired package, with the reason code the real agent
 * reports ({@code manifest_mismatch}, {@code unknown_key}, {@code hash_mismatch}, {@code
 * download_failed}, ...).
 */
final class FetchFailure extends Exception {
  static final String DOWNLOAD_FAILED = "download_failed";
  static final String MANIFEST_MISMATCH = "manifest_mismatch";

  private final String code;

  FetchFailure(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  FetchFailure(String code, String message) {
    this(code, message, null);
  }

  String code() {
    return code;
  }

  /** Only a download failure may pass when tried again; the others refuse the version. */
  boolean transientFailure() {
    return DOWNLOAD_FAILED.equals(code);
  }

  /** {@code code: message}, as reported in {@code last_error}. */
  String reason() {
    String message = getMessage();
    return message.startsWith(code + ": ") ? message : code + ": " + message;
  }
}
