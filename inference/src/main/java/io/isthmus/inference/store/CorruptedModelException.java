package io.isthmus.inference.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Model bytes that do not hash to the digest they should have: a stored file that changed on disk,
 * or bytes refused before they were stored.
 */
public final class CorruptedModelException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String actual;

  public CorruptedModelException(Path file, String expected, String actual) {
    this(
        "Model file "
            + file
            + " is corrupted: its sha256 is "
            + actual
            + ", expected "
            + expected
            + "; delete it and fetch the model again",
        expected,
        actual);
  }

  /** For bytes refused before they were stored, e.g. a download that does not match. */
  CorruptedModelException(String message, String expected, String actual) {
    super(message);
    this.expected = expected;
    this.actual = actual;
  }

  /** The digest the file is stored under. */
  public String expected() {
    return expected;
  }

  /** The digest of the bytes found. */
  public String actual() {
    return actual;
  }
}
