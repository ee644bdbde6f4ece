package io.isthmus.inference.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.isthmus.inference.EngineAvailability;
import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.InferenceEngine;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.InferenceException.Code;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.ModelSignature;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime (com.microsoft.onnxruntime). One process-wide {@link OrtEnvironment} is shared by
 * every model; it lives as long as the JVM, so {@link #close()} releases nothing.
 */
public final class OnnxRuntimeEngine implements InferenceEngine {
  public static final String NAME = "onnxruntime";
  private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeEngine.class);

  private OnnxRuntimeEngine() {}

  /** The engine; its native library loads on first use. */
  public static OnnxRuntimeEngine create() {
    return new OnnxRuntimeEngine();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EngineAvailability availability() {
    String version;
    Set<ExecutionProvider> providers;
    try {
      version = OrtEnvironment.getEnvironment().getVersion();
      providers = compiledProviders();
    } catch (LinkageError | RuntimeException e) {
      return new EngineAvailability(
          NAME,
          "unknown",
          false,
          "ONNX Runtime native library failed to load on " + platform() + ": " + e.getMessage(),
          Set.of(),
          Map.of());
    }
    Map<ExecutionProvider, String> missing = new EnumMap<>(ExecutionProvider.class);
    if (!providers.contains(ExecutionProvider.CUDA)) {
      missing.put(
          ExecutionProvider.CUDA,
          "this ONNX Runtime build has no CUDA provider (use the onnxruntime_gpu jar; the"
              + " onnxruntime jar is CPU only)");
    } else if (!cudaDevicePresent()) {
      providers.remove(ExecutionProvider.CUDA);
      missing.put(
          ExecutionProvider.CUDA, "onnxruntime_gpu is present but no CUDA device was found");
    }
    if (!providers.contains(ExecutionProvider.XNNPACK)) {
      missing.put(ExecutionProvider.XNNPACK, "this ONNX Runtime build has no XNNPACK provider");
    }
    if (!providers.contains(ExecutionProvider.TENSOR_RT)) {
      missing.put(
          ExecutionProvider.TENSOR_RT,
          "this ONNX Runtime build has no TensorRT provider (it needs an onnxruntime_gpu build"
              + " with TensorRT on the class path, such as a Jetson build)");
    }
    if (!providers.contains(ExecutionProvider.DNNL)) {
      missing.put(ExecutionProvider.DNNL, "this ONNX Runtime build has no oneDNN provider");
    }
    if (!providers.contains(ExecutionProvider.NNAPI)) {
      missing.put(ExecutionProvider.NNAPI, "NNAPI exists on Android only");
    }
    missing.put(ExecutionProvider.TFLITE_DELEGATE, "TFLite delegates apply to TFLite models only");
    return new EngineAvailability(NAME, version, true, "", providers, missing);
  }

  @Override
  public LoadedModel load(Path path, ModelOptions options) throws InferenceException {
    if (!Files.isRegularFile(path)) {
      throw new InferenceException(Code.MODEL_INVALID, "No model file at " + path);
    }
    return open(options, path.toString(), (env, so) -> env.createSession(path.toString(), so));
  }

  @Override
  public LoadedModel load(ByteBuffer model, ModelOptions options) throws InferenceException {
    ByteBuffer bytes = model.duplicate();
    if (!bytes.isDirect()) {
      bytes = ByteBuffer.allocateDirect(bytes.remaining()).put(bytes).flip();
    }
    ByteBuffer direct = bytes;
    return open(options, "bytes", (env, so) -> env.createSession(direct, so));
  }

  @Override
  public void close() {
    // The environment is process-wide and lives as long as the JVM.
  }

  private LoadedModel open(ModelOptions options, String source, SessionFactory factory)
      throws InferenceException {
    OrtEnvironment env = environment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      // ORT warns at session level about harmless model quirks (unused initializers) on stderr
      so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      so.setIntraOpNumThreads(options.intraOpThreads());
      so.setInterOpNumThreads(options.interOpThreads());
      so.setOptimizationLevel(optLevel(options));
      ExecutionProvider provider = addProvider(so, options);
      OrtSession session = factory.create(env, so);
      try {
        ModelSignature signature =
            new ModelSignature(
                OnnxTypes.specs(session.getInputInfo()), OnnxTypes.specs(session.getOutputInfo()));
        LOG.debug("model={} provider={} signature={}", source, provider, signature);
        return new OnnxLoadedModel(env, session, signature, provider);
      } catch (InferenceException | OrtException | RuntimeException e) {
        session.close();
        throw e;
      }
    } catch (OrtException e) {
      throw translate(source, e);
    }
  }

  /**
   * Adds the first of the options' providers that this build offers and accepts, logging a warning
   * for each one skipped; CPU when none is usable and the options allow the fallback.
   */
  private ExecutionProvider addProvider(OrtSession.SessionOptions so, ModelOptions options)
      throws InferenceException {
    if (options.provider() == ExecutionProvider.CPU) {
      return ExecutionProvider.CPU;
    }
    EngineAvailability availability = availability();
    Map<ExecutionProvider, String> skipped = new LinkedHashMap<>();
    for (ExecutionProvider wanted : options.providers()) {
      if (wanted == ExecutionProvider.CPU) {
        logSkipped(skipped, wanted);
        return wanted;
      }
      String reason = availability.missingProviders().get(wanted);
      if (availability.providers().contains(wanted)) {
        try {
          add(so, wanted, options);
          logSkipped(skipped, wanted);
          return wanted;
        } catch (OrtException e) {
          reason = "adding it failed: " + e.getMessage();
        }
      }
      skipped.put(wanted, reason == null ? "ONNX Runtime does not offer it" : reason);
    }
    if (!options.fallbackToCpu()) {
      String what =
          skipped.size() == 1
              ? "Execution provider "
                  + options.provider()
                  + " is unavailable: "
                  + skipped.get(options.provider())
              : "None of the execution providers "
                  + options.providers()
                  + " is available: "
                  + skipped;
      throw new InferenceException(
          Code.PROVIDER_UNAVAILABLE, what + "; available are " + availability.providers());
    }
    LOG.warn(
        "No requested execution provider is available ({}); running on CPU instead. Set"
            + " fallbackToCpu=false to fail instead.",
        skipped);
    return ExecutionProvider.CPU;
  }

  private static void add(
      OrtSession.SessionOptions so, ExecutionProvider provider, ModelOptions options)
      throws OrtException {
    switch (provider) {
      case CUDA -> so.addCUDA(0);
      case TENSOR_RT -> so.addTensorrt(0);
      case XNNPACK -> so.addXnnpack(Map.of("intra_op_num_threads", "" + options.intraOpThreads()));
      case DNNL -> so.addDnnl(true);
      case NNAPI -> so.addNnapi();
      default -> throw new IllegalStateException("Unhandled provider " + provider);
    }
  }

  private static void logSkipped(Map<ExecutionProvider, String> skipped, ExecutionProvider used) {
    if (!skipped.isEmpty()) {
      LOG.warn("provider={} chosen; skipped unavailable providers {}", used, skipped);
    }
  }

  private static OrtEnvironment environment() throws InferenceException {
    try {
      return OrtEnvironment.getEnvironment();
    } catch (LinkageError | RuntimeException e) {
      throw new InferenceException(
          Code.UNSUPPORTED_PLATFORM,
          "ONNX Runtime has no usable native library for " + platform() + ": " + e.getMessage(),
          e);
    }
  }

  private static InferenceException translate(String source, OrtException e) {
    String message = String.valueOf(e.getMessage());
    Code code =
        switch (e.getCode()) {
          case ORT_INVALID_PROTOBUF, ORT_NO_MODEL, ORT_INVALID_GRAPH, ORT_NO_SUCHFILE ->
              Code.MODEL_INVALID;
          case ORT_NOT_IMPLEMENTED -> Code.UNSUPPORTED_OPERATOR;
          case ORT_EP_FAIL -> Code.PROVIDER_UNAVAILABLE;
          default ->
              message.contains("Protobuf parsing failed") || message.contains("No graph")
                  ? Code.MODEL_INVALID
                  : Code.ENGINE_FAILURE;
        };
    return new InferenceException(
        code, "ONNX Runtime could not load the model from " + source + ": " + message, e);
  }

  private static OrtSession.SessionOptions.OptLevel optLevel(ModelOptions options) {
    return switch (options.optimization()) {
      case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
      case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
      case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
      case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
    };
  }

  private static boolean cudaDevicePresent() {
    return Files.exists(Path.of("/dev/nvidiactl")) || Files.exists(Path.of("/dev/nvidia0"));
  }

  private static String platform() {
    return System.getProperty("os.name") + "-" + System.getProperty("os.arch");
  }

  @FunctionalInterface
  private interface SessionFactory {
    OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
  }

  /** The providers this ONNX Runtime build has compiled in (CUDA needs onnxruntime_gpu). */
  private static EnumSet<ExecutionProvider> compiledProviders() {
    EnumSet<ExecutionProvider> set = EnumSet.noneOf(ExecutionProvider.class);
    for (OrtProvider p : OrtEnvironment.getAvailableProviders()) {
      switch (p) {
        case CPU -> set.add(ExecutionProvider.CPU);
        case CUDA -> set.add(ExecutionProvider.CUDA);
        case TENSOR_RT -> set.add(ExecutionProvider.TENSOR_RT);
        case XNNPACK -> set.add(ExecutionProvider.XNNPACK);
        case DNNL -> set.add(ExecutionProvider.DNNL);
        case NNAPI -> set.add(ExecutionProvider.NNAPI);
        default -> {
          // providers Isthmus does not expose (OpenVINO, ROCm, ...)
        }
      }
    }
    return set;
  }
}
