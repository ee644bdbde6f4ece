package io.isthmus.inference.store;

import java.io.IOException;
import java.nio.file.Path;

/** A stored model whose bytes no longer hash to the digest it is stored under. */
public final class CorruptedModelException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String expected;
  private final String actual;

  public CorruptedModelException(Path file, String expected, String actual) {
    super(
        "Model file "
            + file
            + " is corrupted: its sha256 is "
            + actual
            + ", expected "
            + expected
            + "; delete it and fetch the model again");
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
