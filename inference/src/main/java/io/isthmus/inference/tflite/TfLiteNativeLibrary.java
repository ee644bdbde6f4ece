package io.isthmus.inference.tflite;

import io.isthmus.inference.InferenceException;
import io.isthmus.inference.InferenceException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;

/**
 * Loads TFLite's JNI library from the {@code ai.djl.tflite:tflite-native-cpu} jar on the class
 * path, without DJL's engine machinery and without a network: the library is copied once into a
 * cache folder (system property {@value #CACHE_DIR_PROPERTY}, else {@code
 * $java.io.tmpdir/isthmus-tflite}) under a name holding its hash, then {@link System#load}ed. DJL
 * publishes that jar for linux-x86_64 only, so on any other platform loading fails with {@link
 * Code#UNSUPPORTED_PLATFORM}.
 */
final class TfLiteNativeLibrary {
  static final String CACHE_DIR_PROPERTY = "isthmus.tflite.cache.dir";
  private static final String LIBRARY = "native/lib/libtensorflowlite_jni.so";
  private static final String PROPERTIES = "native/lib/tflite.properties";

  private static volatile Path loaded;

  private TfLiteNativeLibrary() {}

  /** The operating system and CPU architecture, as Java names them ("linux", "amd64"). */
  record Platform(String os, String arch) {
    static Platform current() {
      return new Platform(
          System.getProperty("os.name").toLowerCase(Locale.ROOT),
          System.getProperty("os.arch").toLowerCase(Locale.ROOT));
    }

    boolean hasTfLiteBuild() {
      return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    @Override
    public String toString() {
      return (os.startsWith("linux") ? "linux" : os) + "-" + arch;
    }
  }

  /**
   * Why TFLite cannot run on {@code platform}, or null if it can (as far as can be told without
   * loading the library).
   */
  static String unsupportedReason(Platform platform) {
    if (!platform.hasTfLiteBuild()) {
      return "TFLite has no native build for "
          + platform
          + ": ai.djl.tflite:tflite-native-cpu:2.6.2 exists for linux-x86_64 only. Use the ONNX"
          + " Runtime engine (Engines.onnxRuntime()), whose jar carries linux-aarch64 and"
          + " linux-x64 libraries, with the model converted to ONNX";
    }
    if (TfLiteNativeLibrary.class.getClassLoader().getResource(LIBRARY) == null) {
      return "TFLite's native library is not on the class path: add"
          + " ai.djl.tflite:tflite-native-cpu:2.6.2 with classifier linux-x86_64";
    }
    return null;
  }

  /**
   * Loads the library once per JVM.
   *
   * @throws InferenceException UNSUPPORTED_PLATFORM when {@code platform} has no TFLite build or
   *     the library is missing or fails to load
   */
  static synchronized void ensureLoaded(Platform platform) throws InferenceException {
    String reason = unsupportedReason(platform);
    if (reason != null) {
      throw new InferenceException(Code.UNSUPPORTED_PLATFORM, reason);
    }
    if (loaded != null) {
      return;
    }
    try {
      Path library = extract();
      System.load(library.toString());
      loaded = library;
    } catch (IOException | UncheckedIOException | LinkageError e) {
      throw new InferenceException(
          Code.UNSUPPORTED_PLATFORM,
          "TFLite's native library failed to load on " + platform + ": " + e.getMessage(),
          e);
    }
  }

  /** The version in the native jar's tflite.properties, e.g. "2.6.2-20220112", or "unknown". */
  static String version() {
    try (InputStream in = resource(PROPERTIES)) {
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static Path extract() throws IOException {
    byte[] bytes;
    try (InputStream in = resource(LIBRARY)) {
      bytes = in.readAllBytes();
    }
    Path dir =
        Path.of(
            System.getProperty(
                CACHE_DIR_PROPERTY,
                Path.of(System.getProperty("java.io.tmpdir"), "isthmus-tflite").toString()));
    Files.createDirectories(dir);
    Path target = dir.resolve("libtensorflowlite_jni-" + sha256(bytes).substring(0, 16) + ".so");
    if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
      return target;
    }
    // Another JVM may extract at the same time: write aside, then rename over.
    Path temp = Files.createTempFile(dir, "libtensorflowlite_jni", ".tmp");
    try {
      Files.write(temp, bytes);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    return target;
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = TfLiteNativeLibrary.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException("Missing class path resource " + name);
    }
    return in;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK lacks SHA-256", e);
    }
  }
}
