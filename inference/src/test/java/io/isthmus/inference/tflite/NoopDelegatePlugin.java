package io.isthmus.inference.tflite;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds {@code delegates/noop_delegate.c}, a TFLite external delegate plugin that claims no
 * operators, with gcc into a folder. Without gcc the test is aborted, or failed on CI (env {@code
 * CI=true}).
 */
final class NoopDelegatePlugin {
  private final Path library;

  private NoopDelegatePlugin(Path library) {
    this.library = library;
  }

  /** The plugin, built into {@code dir}; {@code withAbi=false} leaves the plugin functions out. */
  static NoopDelegatePlugin build(Path dir, String name, boolean withAbi) throws Exception {
    Path source = dir.resolve("noop_delegate.c");
    if (!Files.exists(source)) {
      try (InputStream in =
          NoopDelegatePlugin.class.getResourceAsStream("/delegates/noop_delegate.c")) {
        Files.copy(in, source);
      }
    }
    Path library = dir.resolve(name);
    List<String> command = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-O1"));
    if (!withAbi) {
      command.add("-DOMIT_PLUGIN_ABI");
    }
    command.addAll(List.of("-o", library.toString(), source.toString()));
    Process gcc;
    try {
      gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      String message = "gcc is needed to build the test delegate plugin: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message);
      }
      abort(message);
      throw new AssertionError("unreachable");
    }
    String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
      throw new IllegalStateException("gcc failed on " + source + ": " + output);
    }
    return new NoopDelegatePlugin(library);
  }

  Path library() {
    return library;
  }

  /** How often a delegate's Prepare ran, over every delegate this library made. */
  int prepareCalls() {
    return NativeLibrary.getInstance(library.toString())
        .getFunction("isthmus_noop_prepare_calls")
        .invokeInt(new Object[0]);
  }

  /** Delegates created and not yet destroyed. */
  int liveDelegates() {
    return NativeLibrary.getInstance(library.toString())
        .getFunction("isthmus_noop_live_delegates")
        .invokeInt(new Object[0]);
  }
}
