package io.isthmus.protocol.manifest;

import java.util.Locale;

/**
 * Platform names as manifests list them: {@code OS-ARCH} with the architecture as {@code uname -m}
 * prints it ({@code linux-x86_64}, {@code linux-aarch64}, {@code linux-armv7l}), or {@value #ANY}
 * for a package that runs anywhere its engine does.
 */
public final class Platforms {
  /** Listed by packages that do not depend on the platform (e.g. a plain ONNX model). */
  public static final String ANY = "any";

  private Platforms() {}

  /** The platform of the running JVM, e.g. {@code linux-x86_64}. */
  public static String current() {
    return of(System.getProperty("os.name"), System.getProperty("os.arch"));
  }

  /** The platform name for Java's {@code os.name} and {@code os.arch} values. */
  static String of(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      os = "windows";
    } else if (os.startsWith("mac")) {
      os = "macos";
    } else {
      os = os.replace(' ', '_');
    }
    String arch =
        switch (osArch.toLowerCase(Locale.ROOT)) {
          case "amd64", "x86_64", "x64" -> "x86_64";
          case "aarch64", "arm64" -> "aarch64";
          case "arm", "armv7l", "armhf" -> "armv7l";
          default -> osArch.toLowerCase(Locale.ROOT);
        };
    return os + "-" + arch;
  }
}
