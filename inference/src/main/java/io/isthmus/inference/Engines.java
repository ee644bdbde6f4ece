package io.isthmus.inference;

import io.isthmus.inference.InferenceException.Code;
import io.isthmus.inference.onnx.OnnxRuntimeEngine;
import io.isthmus.inference.tflite.TfLiteEngine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Where engines come from: by name, by model file, and a probe of what runs on this machine. */
public final class Engines {
  private Engines() {}

  /** ONNX Runtime; its native library loads on first use. */
  public static InferenceEngine onnxRuntime() {
    return OnnxRuntimeEngine.create();
  }

  /** TFLite with XNNPACK; its native library loads on first use (linux-x86_64 only). */
  public static InferenceEngine tflite() {
    return TfLiteEngine.create();
  }

  /** Every engine Isthmus knows, in a stable order. */
  public static List<InferenceEngine> all() {
    return List.of(onnxRuntime(), tflite());
  }

  /** Each engine's availability on this machine; loads native libraries, never throws. */
  public static List<EngineAvailability> probe() {
    return probe(ModelOptions.defaults());
  }

  /** As {@link #probe()}, also checking what {@code options} configure (a TFLite delegate). */
  public static List<EngineAvailability> probe(ModelOptions options) {
    return all().stream().map(e -> e.availability(options)).toList();
  }

  /**
   * The engine for a model file: by extension ({@code .onnx}, {@code .tflite}), else by content (a
   * TFLite flatbuffer carries "TFL3" at byte 4; an ONNX protobuf starts with its ir_version field).
   *
   * @throws InferenceException MODEL_INVALID when the file cannot be read or is neither format
   */
  public static InferenceEngine forFile(Path model) throws InferenceException {
    String name = model.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".onnx") || name.endsWith(".ort")) {
      return onnxRuntime();
    }
    if (name.endsWith(".tflite")) {
      return tflite();
    }
    byte[] header;
    try (InputStream in = Files.newInputStream(model)) {
      header = in.readNBytes(8);
    } catch (IOException e) {
      throw new InferenceException(Code.MODEL_INVALID, "Cannot read model " + model + ": " + e, e);
    }
    if (header.length == 8 && "TFL3".equals(new String(header, 4, 4, StandardCharsets.US_ASCII))) {
      return tflite();
    }
    if (header.length > 0 && header[0] == 0x08) { // ModelProto field 1 (ir_version), varint
      return onnxRuntime();
    }
    throw new InferenceException(
        Code.MODEL_INVALID,
        "Cannot tell the format of "
            + model
            + ": expected a .onnx or .tflite name, or an ONNX or TFLite header");
  }
}
