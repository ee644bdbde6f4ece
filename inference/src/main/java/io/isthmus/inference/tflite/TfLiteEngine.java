package io.isthmus.inference.tflite;

import io.isthmus.inference.EngineAvailability;
import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.ExternalDelegate;
import io.isthmus.inference.InferenceEngine;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.InferenceException.Code;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.tflite.TfLiteNativeLibrary.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.lite.Interpreter;
import org.tensorflow.lite.TensorFlowLite;

/**
 * TFLite 2.6 through the {@code org.tensorflow.lite.Interpreter} that DJL's tflite-engine jar
 * carries, with the XNNPACK delegate on: DJL's own Predictor path leaves XNNPACK off and was 5-12x
 * slower. CPU and XNNPACK both mean "TFLite's CPU kernels, with the XNNPACK delegate taking the
 * operators it covers". A {@linkplain ModelOptions#tfliteDelegate() configured external delegate}
 * (Edge TPU, other NPUs) is added to each interpreter before XNNPACK; see {@link
 * TfLiteExternalDelegate}.
 *
 * <p>{@link ModelOptions#intraOpThreads()} is each interpreter's thread count; {@link
 * ModelOptions#interOpThreads()} is how many interpreters (hence concurrent runs) a model may keep.
 */
public final class TfLiteEngine implements InferenceEngine {
  public static final String NAME = "tflite";
  private static final Logger LOG = LoggerFactory.getLogger(TfLiteEngine.class);

  private static final Pattern UNRESOLVED_CUSTOM_OP =
      Pattern.compile("unresolved custom op: ([^\\s]+?)\\.?(\\s|$)");

  private final Platform platform;

  private TfLiteEngine(Platform platform) {
    this.platform = platform;
  }

  /** The engine for this machine; its native library loads on first use. */
  public static TfLiteEngine create() {
    return new TfLiteEngine(Platform.current());
  }

  /** For tests: the engine as it behaves on {@code os}/{@code arch} (Java's property values). */
  static TfLiteEngine forPlatform(String os, String arch) {
    return new TfLiteEngine(new Platform(os, arch));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EngineAvailability availability() {
    return availability(ModelOptions.defaults());
  }

  /**
   * As {@link #availability()}, and whether the options' external delegate library loads and
   * exports the plugin ABI (without creating a delegate, which may claim a device).
   */
  @Override
  public EngineAvailability availability(ModelOptions options) {
    try {
      TfLiteNativeLibrary.ensureLoaded(platform);
      Map<ExecutionProvider, String> missing = new EnumMap<>(ExecutionProvider.class);
      missing.put(ExecutionProvider.CUDA, "TFLite has no CUDA support (GPU delegate is Android)");
      missing.put(
          ExecutionProvider.TENSOR_RT, "TFLite has no TensorRT support (use ONNX Runtime GPU)");
      missing.put(ExecutionProvider.DNNL, "TFLite has no oneDNN support");
      missing.put(ExecutionProvider.NNAPI, "NNAPI exists on Android only");
      Set<ExecutionProvider> providers =
          EnumSet.of(ExecutionProvider.CPU, ExecutionProvider.XNNPACK);
      Optional<ExternalDelegate> delegate = options.tfliteDelegate();
      if (delegate.isEmpty()) {
        missing.put(ExecutionProvider.TFLITE_DELEGATE, "none configured");
      } else {
        try {
          TfLiteExternalDelegate.check(delegate.get());
          providers.add(ExecutionProvider.TFLITE_DELEGATE);
        } catch (InferenceException e) {
          missing.put(ExecutionProvider.TFLITE_DELEGATE, e.getMessage());
        }
      }
      return new EngineAvailability(
          NAME, TensorFlowLite.runtimeVersion(), true, "", providers, missing);
    } catch (InferenceException | LinkageError e) {
      return new EngineAvailability(NAME, "unknown", false, e.getMessage(), Set.of(), Map.of());
    }
  }

  @Override
  public LoadedModel load(Path path, ModelOptions options) throws InferenceException {
    TfLiteNativeLibrary.ensureLoaded(platform);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new InferenceException(
          Code.MODEL_INVALID, "Cannot read TFLite model " + path + ": " + e, e);
    }
    return open(ByteBuffer.wrap(bytes), options, path.toString());
  }

  @Override
  public LoadedModel load(ByteBuffer model, ModelOptions options) throws InferenceException {
    TfLiteNativeLibrary.ensureLoaded(platform);
    return open(model, options, "bytes");
  }

  @Override
  public void close() {
    // The native library stays loaded for the JVM's life; models own their interpreters.
  }

  private LoadedModel open(ByteBuffer source, ModelOptions options, String origin)
      throws InferenceException {
    // TFLite reads the model in place and requires a direct buffer that outlives the interpreter.
    ByteBuffer model = ByteBuffer.allocateDirect(source.remaining()).order(ByteOrder.nativeOrder());
    model.put(source.duplicate()).flip();
    TfLiteModelCheck.check(model, origin);
    ExecutionProvider provider = provider(options);
    TfLiteInterpreters interpreters = new TfLiteInterpreters(options, origin);
    Interpreter first = interpreters.create(model);
    if (interpreters.delegated()) {
      provider = ExecutionProvider.TFLITE_DELEGATE;
    }
    try {
      LOG.debug("model={} provider={} threads={}", origin, provider, options.intraOpThreads());
      return new TfLiteLoadedModel(model, interpreters, first, provider, options.interOpThreads());
    } catch (IllegalArgumentException e) {
      first.close();
      interpreters.close();
      throw new InferenceException(Code.UNSUPPORTED_OPERATOR, e.getMessage(), e);
    }
  }

  /**
   * A new interpreter over {@code model}, with {@code delegate} (when not null) and XNNPACK.
   *
   * @throws InferenceException PROVIDER_UNAVAILABLE when the interpreter refuses the delegate, or
   *     what {@link #translate} makes of another failure
   */
  static Interpreter interpreter(
      ByteBuffer model, ModelOptions options, String origin, TfLiteExternalDelegate delegate)
      throws InferenceException {
    Interpreter.Options tfOptions =
        new Interpreter.Options().setUseXNNPACK(true).setNumThreads(options.intraOpThreads());
    if (delegate != null) {
      tfOptions.addDelegate(delegate);
    }
    try {
      return new Interpreter(model, tfOptions);
    } catch (IllegalArgumentException | IllegalStateException e) {
      if (delegate != null
          && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("delegate")) {
        throw new InferenceException(
            Code.PROVIDER_UNAVAILABLE,
            "TFLite refused delegate "
                + delegate
                + " for the model from "
                + origin
                + ": "
                + String.valueOf(e.getMessage()).strip(),
            e);
      }
      throw translate(origin, e);
    }
  }

  private static InferenceException translate(String origin, RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    Matcher custom = UNRESOLVED_CUSTOM_OP.matcher(message);
    if (custom.find()) {
      return new InferenceException(
          Code.UNSUPPORTED_OPERATOR,
          "TFLite model from "
              + origin
              + " needs custom operator "
              + custom.group(1)
              + ", which TFLite's built-in operators lack (MediaPipe and Edge TPU models need"
              + " their own runtime): "
              + message.strip(),
          e);
    }
    Code code =
        message.contains("custom op") || message.contains("Didn't find op")
            ? Code.UNSUPPORTED_OPERATOR
            : message.contains("not a valid flatbuffer") ? Code.MODEL_INVALID : Code.ENGINE_FAILURE;
    return new InferenceException(
        code, "TFLite could not load the model from " + origin + ": " + message.strip(), e);
  }

  /**
   * The first of the options' providers that TFLite offers. A configured external delegate is
   * handled apart ({@link TfLiteInterpreters}), so {@code TFLITE_DELEGATE} counts as offered when
   * one is configured.
   */
  private static ExecutionProvider provider(ModelOptions options) throws InferenceException {
    for (ExecutionProvider wanted : options.providers()) {
      if (wanted == ExecutionProvider.CPU || wanted == ExecutionProvider.XNNPACK) {
        return ExecutionProvider.XNNPACK;
      }
      if (wanted == ExecutionProvider.TFLITE_DELEGATE && options.tfliteDelegate().isPresent()) {
        return ExecutionProvider.XNNPACK; // the delegate goes first, XNNPACK takes what it leaves
      }
      String why =
          wanted == ExecutionProvider.TFLITE_DELEGATE
              ? "no TFLite delegate library is configured"
              : "TFLite does not offer it";
      LOG.warn("provider={} unavailable in TFLite ({}); trying the next one", wanted, why);
    }
    if (!options.fallbackToCpu()) {
      String what =
          options.providers().size() == 1
              ? "Execution provider " + options.provider() + " is unavailable"
              : "None of the execution providers " + options.providers() + " is available";
      throw new InferenceException(
          Code.PROVIDER_UNAVAILABLE, what + " in TFLite; available are [CPU, XNNPACK]");
    }
    LOG.warn(
        "None of the execution providers {} is available in TFLite; running on CPU with XNNPACK"
            + " instead. Set fallbackToCpu=false to fail instead.",
        options.providers());
    return ExecutionProvider.XNNPACK;
  }
}
