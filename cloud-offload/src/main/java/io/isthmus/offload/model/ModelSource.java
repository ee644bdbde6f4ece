package io.isthmus.offload.model;

import io.isthmus.inference.store.ModelStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one version of a served model comes from, parsed from {@code
 * NAME[@VERSION]=LOCATION[#sha256=HEX]}: LOCATION is an {@code http(s)://} URL or a file path; the
 * sha256 is required for a URL and checked for a path when given. The version defaults to {@value
 * #DEFAULT_VERSION}. A model may be a whole model or the tail partition of a split one: the server
 * treats both alike.
 *
 * @param name the model name clients use in {@code /v2/models/{name}}
 * @param version the version clients may use in {@code /versions/{version}}
 * @param location the URL or file path
 * @param sha256 the expected sha256 of the bytes, in lower-case hex
 */
public record ModelSource(String name, String version, String location, Optional<String> sha256) {
  /** The version of a model given without one. */
  public static final String DEFAULT_VERSION = "1";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern SPEC =
      Pattern.compile(
          "(?<name>[^@=]+)(@(?<version>[^=]+))?=(?<location>[^#]+)(#sha256=(?<sha>.*))?");

  /**
   * @throws IllegalArgumentException naming the bad value: a name or version outside {@code
   *     [A-Za-z0-9_.-]}, an invalid sha256, or a URL without one
   */
  public ModelSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(sha256, "sha256");
    requireName("model name", name);
    requireName("model version", version);
    sha256.ifPresent(ModelStore::requireDigest);
    if (isRemote(location) && sha256.isEmpty()) {
      throw new IllegalArgumentException(
          "Model "
              + name
              + "@"
              + version
              + " comes from URL "
              + location
              + " without a digest: append #sha256=<64 hex digits> so the download can be verified");
    }
  }

  /**
   * Parses {@code NAME[@VERSION]=PATH|URL[#sha256=HEX]}.
   *
   * @throws IllegalArgumentException naming the spec and the expected form
   */
  public static ModelSource parse(String spec) {
    Matcher m = SPEC.matcher(Objects.requireNonNull(spec, "spec").trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "Invalid model '"
              + spec
              + "': expected NAME[@VERSION]=PATH|URL[#sha256=HEX], e.g."
              + " cls@2=models/pp-ocr-cls.onnx");
    }
    String version = m.group("version") == null ? DEFAULT_VERSION : m.group("version");
    return new ModelSource(
        m.group("name"), version, m.group("location"), Optional.ofNullable(m.group("sha")));
  }

  /** Whether the location is an HTTP(S) URL rather than a path. */
  public boolean isRemote() {
    return isRemote(location);
  }

  /** The location as a URI (for a remote source). */
  public URI uri() {
    return URI.create(location);
  }

  /** The location as a path (for a local source). */
  public Path path() {
    return Path.of(location);
  }

  @Override
  public String toString() {
    return name + "@" + version + "=" + location + sha256.map(s -> "#sha256=" + s).orElse("");
  }

  private static boolean isRemote(String location) {
    return location.startsWith("http://") || location.startsWith("https://");
  }

  private static void requireName(String what, String value) {
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "Invalid " + what + " '" + value + "': expected letters, digits, '_', '.' or '-'");
    }
  }
}
