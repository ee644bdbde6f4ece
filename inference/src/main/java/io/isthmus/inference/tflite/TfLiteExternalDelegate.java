package io.isthmus.inference.tflite;

import com.sun.jna.Callback;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.isthmus.inference.ExternalDelegate;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.InferenceException.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tensorflow.lite.Delegate;

/**
 * One delegate instance created by a shared library that implements TFLite's external delegate
 * plugin ABI:
 *
 * <pre>
 * TfLiteDelegate* tflite_plugin_create_delegate(char** keys, char** values, size_t n,
 *                                               void (*report_error)(const char*));
 * void tflite_plugin_destroy_delegate(TfLiteDelegate* delegate);
 * </pre>
 *
 * <p>The delegate must outlive every interpreter it was added to: close the interpreters first,
 * then this, which calls {@code tflite_plugin_destroy_delegate}. {@link #getNativeHandle()} throws
 * {@link IllegalStateException} after close.
 */
final class TfLiteExternalDelegate implements Delegate, AutoCloseable {
  static final String CREATE = "tflite_plugin_create_delegate";
  static final String DESTROY = "tflite_plugin_destroy_delegate";

  private final ExternalDelegate config;
  private final Function destroy;
  private final Pointer handle;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TfLiteExternalDelegate(ExternalDelegate config, Function destroy, Pointer handle) {
    this.config = config;
    this.destroy = destroy;
    this.handle = handle;
  }

  /** The plugin ABI's error callback; JNA keeps it alive while this class holds it. */
  interface ErrorReporter extends Callback {
    void invoke(String message);
  }

  /**
   * Loads the library and creates one delegate with the configured options.
   *
   * @throws InferenceException PROVIDER_UNAVAILABLE when the library cannot be loaded, lacks one of
   *     the plugin functions, or returns no delegate (with the messages it reported)
   */
  static TfLiteExternalDelegate create(ExternalDelegate config) throws InferenceException {
    NativeLibrary library = library(config);
    Function create = function(library, config, CREATE);
    Function destroy = function(library, config, DESTROY);
    List<String> reported = new ArrayList<>();
    ErrorReporter reporter = message -> reported.add(String.valueOf(message));
    int n = config.options().size();
    String[] keys = new String[n];
    String[] values = new String[n];
    int i = 0;
    for (Map.Entry<String, String> option : config.options().entrySet()) {
      keys[i] = option.getKey();
      values[i] = option.getValue();
      i++;
    }
    Pointer handle;
    try {
      handle = create.invokePointer(new Object[] {keys, values, new NativeLong(n), reporter});
    } catch (RuntimeException e) {
      throw new InferenceException(
          Code.PROVIDER_UNAVAILABLE,
          "TFLite delegate " + config.library() + ": " + CREATE + " failed: " + e.getMessage(),
          e);
    }
    if (handle == null) {
      throw new InferenceException(
          Code.PROVIDER_UNAVAILABLE,
          "TFLite delegate "
              + config.library()
              + ": "
              + CREATE
              + " returned NULL for options "
              + config.options()
              + (reported.isEmpty() ? "" : "; it reported: " + String.join("; ", reported)));
    }
    return new TfLiteExternalDelegate(config, destroy, handle);
  }

  /**
   * Loads the library and resolves both plugin functions without creating a delegate.
   *
   * @throws InferenceException PROVIDER_UNAVAILABLE naming what is missing
   */
  static void check(ExternalDelegate config) throws InferenceException {
    NativeLibrary library = library(config);
    function(library, config, CREATE);
    function(library, config, DESTROY);
  }

  @Override
  public long getNativeHandle() {
    if (closed.get()) {
      throw new IllegalStateException("TFLite delegate " + config.library() + " is closed");
    }
    return Pointer.nativeValue(handle);
  }

  /** Destroys the delegate; later calls do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      destroy.invokeVoid(new Object[] {handle});
    }
  }

  @Override
  public String toString() {
    return "TfLiteExternalDelegate{" + config.library() + "}";
  }

  private static NativeLibrary library(ExternalDelegate config) throws InferenceException {
    try {
      return NativeLibrary.getInstance(config.library().toString());
    } catch (UnsatisfiedLinkError e) {
      throw new InferenceException(
          Code.PROVIDER_UNAVAILABLE,
          "TFLite delegate library "
              + config.library()
              + " could not be loaded (missing, or built for another platform): "
              + linkerMessage(e),
          e);
    }
  }

  /** The dynamic linker's own words, without JNA's search of the class path. */
  private static String linkerMessage(UnsatisfiedLinkError e) {
    List<String> lines =
        String.valueOf(e.getMessage())
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .filter(l -> !l.startsWith("Unable to load library"))
            .filter(l -> !l.startsWith("Native library"))
            .distinct()
            .toList();
    return lines.isEmpty() ? String.valueOf(e.getMessage()) : String.join("; ", lines);
  }

  private static Function function(NativeLibrary library, ExternalDelegate config, String name)
      throws InferenceException {
    try {
      return library.getFunction(name);
    } catch (UnsatisfiedLinkError e) {
      throw new InferenceException(
          Code.PROVIDER_UNAVAILABLE,
          "TFLite delegate library "
              + config.library()
              + " does not export "
              + name
              + ": it does not implement TFLite's external delegate plugin ABI",
          e);
    }
  }
}
