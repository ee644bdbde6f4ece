package io.isthmus.protocol.manifest;

import java.util.Set;

/**
 * Rules for the file paths a manifest lists: relative, '/'-separated, no empty, {@code .} or {@code
 * ..} segments and not one of the package's own files, so no manifest can name a file outside its
 * package.
 */
final class PackagePaths {
  private static final Set<String> RESERVED =
      Set.of(ModelPackage.MANIFEST_FILE, ModelPackage.MANIFEST_JSON);

  private PackagePaths() {}

  /** Why {@code path} is not allowed, or null if it is. */
  static String problem(String path) {
    if (path.isEmpty()) {
      return "an empty path";
    }
    if (path.startsWith("/") || path.contains("\\") || path.indexOf(':') >= 0) {
      return "'" + path + "' is not a relative '/'-separated path";
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return "'" + path + "' has an empty, '.' or '..' segment";
      }
    }
    if (RESERVED.contains(path)) {
      return "'" + path + "' is the name of the package's own manifest";
    }
    return null;
  }
}
